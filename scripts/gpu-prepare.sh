#!/usr/bin/env bash
# Prepares, on a machine with LLVM (this one), everything the GPU check needs
# on a GPU machine without LLVM, into gpu-work/ (git-ignored; carry it):
#   gpu-work/packages/NAME.attnpkg   every example compiled for sm_90a
#   gpu-work/inputs/NAME/*.npy       integer inputs (segment ids, offsets,
#                                    block masks) and dynamic-shape floats
#   gpu-work/refs/NAME/*.npy         the fp64 reference and the naive outputs
#                                    on sampled query rows (attn-run
#                                    --write-reference), for attn-launch --check
#   gpu-work/examples.txt            NAME <tab> --inputs list
#   gpu-work/bench/*.attnpkg         the benchmark's packages (dynamic shapes)
# Float inputs of static shape are `@`: attn-run and attn-launch draw the same
# bits with the portable generator (runtime/RandomInputs.h), so nothing large
# travels. Usage: scripts/gpu-prepare.sh [ROWS] (query rows per example, 16).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-16}
bin=${BUILD_DIR:-build}/bin
work=gpu-work
rm -rf "$work" && mkdir -p "$work/packages" "$work/inputs" "$work/refs" "$work/bench"
# What built the packages (the benchmark's "Commit" line reads it).
git describe --always --dirty --abbrev=7 > "$work/source.txt" 2>/dev/null || true
: > "$work/examples.txt"
# A GPU case: NAME's fp64 reference for SPEC on the inputs LIST, and its
# line in examples.txt (its package is packages/NAME.attnpkg).
reference() {  # NAME SPEC LIST
  "$bin/attn-run" "$2" --seed 1 --inputs "$3" --check-rows "$rows" \
    --write-reference "$work/refs/$1" > /dev/null
  printf '%s\t%s\n' "$1" "$3" >> "$work/examples.txt"
  echo "prepared $1"
}
for spec in examples/*.mlir; do
  name=$(basename "$spec" .mlir)
  "$bin/attn-opt" "$spec" --attn-to-ptx="chip=sm_90a package=$work/packages/$name.attnpkg" -o /dev/null
  list=$(python3 scripts/example-inputs.py "$spec" "$work/inputs/$name" \
    --random-floats --batch 1 --seq 777)
  [ -n "$list" ] || list="@,@,@"
  reference "$name" "$spec" "$list"
done
# The document example again with ids out of order (a run of padding inside,
# a document in two runs): its kernel checks each block's ids at run time
# and takes the per-pair test where they are not sorted.
cp "$work/packages/document.attnpkg" "$work/packages/document_unsorted.attnpkg"
list=$(python3 scripts/example-inputs.py examples/document.mlir \
  "$work/inputs/document_unsorted" --random-floats --batch 1 --seq 777 \
  --ids-out-of-order)
reference document_unsorted examples/document.mlir "$list"
# Cross attention whose key ids hold more runs than a block records
# (test/Integration/GPU/Inputs/document-many-runs.mlir): q rows 0-99 in
# document 0, the rest in 300; key k in document k / 13.
name=document_many_runs
spec=test/Integration/GPU/Inputs/document-many-runs.mlir
"$bin/attn-opt" "$spec" --attn-to-ptx="chip=sm_90a package=$work/packages/$name.attnpkg" -o /dev/null
mkdir -p "$work/inputs/$name"
python3 - "$work/inputs/$name" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("ei", "scripts/example-inputs.py")
ei = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ei)
q = [0 if i < 100 else 300 for i in range(256)]
k = [i // 13 for i in range(4096)]
for name, ids in (("q_ids", q), ("kv_ids", k)):
    ei.write_npy("%s/%s.npy" % (sys.argv[1], name), "<i4", [1, len(ids)],
                 ei.packed("i", ids))
PY
reference "$name" "$spec" \
  "@,@,@,$work/inputs/$name/q_ids.npy,$work/inputs/$name/kv_ids.npy"
# Benchmark packages: one per mask and head dim, dynamic batch and length
# (names as bench/gpu/workloads.py expects).
bench_spec() {  # NAME HQ HKV D MASK [EXTRA_ARGS EXTRA_OPERANDS]
  local name=$1 hq=$2 hkv=$3 d=$4 mask=$5
  local qt="tensor<?x${hq}x?x${d}xbf16>" kt="tensor<?x${hkv}x?x${d}xbf16>"
  local args="%q: $qt, %k: $kt, %v: $kt" operands="" attrs=""
  if [ "$mask" = document ] || [ "$mask" = "document(offsets)" ]; then
    args="$args, %qs: tensor<?x?xi32>, %ks: tensor<?x?xi32>"
    operands=" segments(%qs, %ks : tensor<?x?xi32>, tensor<?x?xi32>)"
    attrs="{mask = #attn.mask<causal & $mask>}"
  elif [ -n "$mask" ]; then
    attrs="{mask = #attn.mask<$mask>}"
  fi
  cat > "$work/bench/$name.mlir" <<SPEC
func.func @$(echo "$name" | tr '-' '_')($args) -> $qt {
  %o = attn.attention %q, %k, %v$operands $attrs : $qt, $kt, $kt -> $qt
  return %o : $qt
}
SPEC
  "$bin/attn-opt" "$work/bench/$name.mlir" \
    --attn-to-ptx="chip=sm_90a package=$work/bench/$name.attnpkg" -o /dev/null
}
for d in 64 128 256; do
  bench_spec "dense-d$d" $((2048 / d)) $((2048 / d)) "$d" ""
  bench_spec "dense-d$d-causal" $((2048 / d)) $((2048 / d)) "$d" causal
done
bench_spec gqa-d128-causal 32 8 128 causal
bench_spec window1024-d128 16 16 128 "causal & window(1023)"
bench_spec document-d128 16 16 128 document
bench_spec document-offsets-d128 16 16 128 "document(offsets)"
bench_spec decode-d128 32 8 128 ""
du -sh "$work"
