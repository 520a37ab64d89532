#!/usr/bin/env bash
# Runs, on the GPU machine, what needs LLVM there: the README's main job
# (attn-run SPEC --device cuda --check, as scripts/run.sh runs it), the GPU
# lit suite's commands (test/Integration/GPU/examples.test), the JIT
# example's launch (examples/jit) and the GPU unit tests, with the tools
# and libraries packed by scripts/gpu-tools-bundle.sh (carry
# gpu-work/tools.tar.xz; gpu-work/ as a whole is too large to travel with
# it). Logs go to $OUT (default gpu-out/). Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-gpu-out}
mkdir -p "$OUT"
tools=$(mktemp -d)
python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" \
  gpu-work/tools.tar.xz "$tools" || { echo "0 passed, 1 failed"; exit 1; }
# The MLIR runner utilities are opened by their Debian path.
mkdir -p /usr/lib/llvm-22/lib
for f in "$tools"/runner/*; do
  [ -e "/usr/lib/llvm-22/lib/$(basename "$f")" ] || cp "$f" /usr/lib/llvm-22/lib/
done
# attn-unittests reads its fixtures under the source tree it was built in.
source_dir=$(cat "$tools/source-dir.txt")
if [ ! -e "$source_dir" ]; then
  mkdir -p "$(dirname "$source_dir")" && ln -s "$PWD" "$source_dir"
fi
libcuda=$(dirname "$(ldconfig -p | awk '/libcuda.so.1 /{print $NF; exit}')")
export CUDA_HOME=${CUDA_HOME:-/usr/local/cuda}
tool() { "$tools/lib/ld-linux-x86-64.so.2" --library-path "$tools/lib:$libcuda" "$tools/bin/$@"; }
passed=0
failed=0
check() {  # NAME PATTERN COMMAND...: passes when the output has PATTERN
  local name=$1 pattern=$2
  shift 2
  if "$@" > "$OUT/tools-$name.log" 2>&1 && grep -q "$pattern" "$OUT/tools-$name.log"; then
    passed=$((passed + 1)); echo "ok    $name: $(grep -m1 "$pattern" "$OUT/tools-$name.log")"
  else
    failed=$((failed + 1)); echo "FAIL  $name:"; tail -5 "$OUT/tools-$name.log"
  fi
}
inputs=$(mktemp -d)
list=$(python3 scripts/example-inputs.py examples/document.mlir "$inputs" \
  --random-floats --batch 2 --seq 1500)
check run-quickstart "matched the fp64" tool attn-run examples/quickstart.mlir \
  --device cuda --seed 1 --check --repeat 3
check run-document "matched the fp64" tool attn-run examples/document.mlir \
  --device cuda --seed 1 --check --repeat 3 --inputs "$list"
# The GPU lit suite's RUN lines, as they are written there.
n=0
while read -r line; do
  n=$((n + 1))
  args=$(sed -e 's/^# RUN: attn-run //' -e 's/ |.*//' -e 's|%examples|examples|' <<<"$line")
  # shellcheck disable=SC2086
  check "lit-$n" "on cuda" tool attn-run $args
done < <(grep '^# RUN: attn-run' test/Integration/GPU/examples.test)
check lse "LSE matched" cat "$OUT"/tools-lit-*.log
cache=$(mktemp -d)
check jit-cold "gpu: ran on" tool attn-jit-example "$cache"
check jit-disk "from the disk cache" tool attn-jit-example "$cache"
check unit-gpu "PASSED" tool attn-unittests --gtest_filter='CudaDriverTest.*:LauncherTest.*'
if grep -q "SKIPPED" "$OUT/tools-unit-gpu.log"; then
  failed=$((failed + 1)); echo "FAIL  unit-gpu: tests skipped on the GPU"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
