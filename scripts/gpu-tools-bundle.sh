#!/usr/bin/env bash
# Packs, on a machine with LLVM (this one), the LLVM-linked tools for a GPU
# machine that has no LLVM: attn-run, attn-jit-example and attn-unittests
# with the Debian 12 shared libraries they load (libLLVM, libMLIR, the MLIR
# runner utilities the CPU JIT opens, libstdc++, glibc and its loader),
# into gpu-work/tools.tar.xz (about 47 MB; carry it with
# scripts/gpu-tools-check.sh). The tools run under the carried loader, so
# the GPU machine's own glibc does not matter. libxml2 and z3, which
# libLLVM links but these tools never call, are replaced by stubs that
# define only what the loader resolves at start (libxml2's xmlFree and its
# symbol versions), which keeps ICU and z3 (54 MB) out of the bundle.
# Usage: scripts/gpu-tools-bundle.sh (after a build into build/).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BUILD_DIR:-build}/bin
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib" "$stage/runner" gpu-work
cp "$bin/attn-run" "$bin/attn-jit-example" "$bin/attn-unittests" "$stage/bin/"
# The MLIR runner utilities, opened by path from /usr/lib/llvm-22/lib.
for lib in libmlir_c_runner_utils libmlir_runner_utils libmlir_float16_utils \
           libmlir_apfloat_wrappers; do
  cp -L "/usr/lib/llvm-22/lib/$lib.so.22.1" "$stage/runner/"
done
# Every shared library the tools and the runner utilities load, but stubs.
for f in "$stage"/bin/* "$stage"/runner/*; do ldd "$f"; done |
  awk '/=>/ && $3 ~ /^\// {print $1, $3}' | sort -u |
  while read -r name path; do
    case $name in
      libxml2.so.*|libz3.so.*|libicu*|libmlir_*) ;;
      *) cp -L "$path" "$stage/lib/$name" ;;
    esac
  done
cp -L /lib64/ld-linux-x86-64.so.2 "$stage/lib/"
# libcuda, opened at run time, needs these from the same glibc.
for lib in libpthread.so.0 libdl.so.2 librt.so.1; do
  cp -L "/lib/x86_64-linux-gnu/$lib" "$stage/lib/"
done
cc=$(command -v clang-22 || command -v cc)
echo 'void *xmlFree = 0;' > "$stage/xml.c"
printf 'LIBXML2_2.4.30 { global: xmlFree; local: *; };\nLIBXML2_2.6.0 { } LIBXML2_2.4.30;\n' > "$stage/xml.map"
"$cc" -shared -fPIC -o "$stage/lib/libxml2.so.2" -Wl,-soname,libxml2.so.2 \
  -Wl,--version-script="$stage/xml.map" "$stage/xml.c"
echo 'void attn_z3_stub(void) {}' > "$stage/z3.c"
"$cc" -shared -fPIC -o "$stage/lib/libz3.so.4" -Wl,-soname,libz3.so.4 "$stage/z3.c"
# The stubs must be enough for the tools to start: run one here with them.
LD_LIBRARY_PATH="$stage/lib" "$stage/bin/attn-run" examples/quickstart.mlir \
  --device cpu --seed 1 > /dev/null
# attn-unittests reads its fixtures under the source tree it was built from.
pwd > "$stage/source-dir.txt"
tar cf - -C "$stage" bin lib runner source-dir.txt | xz -9 -T0 > gpu-work/tools.tar.xz
git describe --always --dirty --abbrev=7 > gpu-work/tools-source.txt 2>/dev/null || true
du -h gpu-work/tools.tar.xz
