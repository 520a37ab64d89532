#!/usr/bin/env bash
# The whole GPU check, run on the GPU machine from the repository root (it
# has the CUDA toolkit, cmake, ninja, Python with PyTorch and Triton, and no
# LLVM). Needs gpu-work/ from scripts/gpu-prepare.sh (run where LLVM is).
#   1. builds the runtime alone (ATTN_RUNTIME_ONLY: attn-launch, no LLVM);
#   2. runs every example's package on the GPU and compares its output (and
#      LSE) on the sampled rows with the fp64 reference made by attn-run;
#   3. runs compute-sanitizer memcheck and racecheck on a small subset;
#   4. runs the benchmark against the peers (bench/gpu/run_bench.py) on the
#      workloads matching BENCH (a regex; empty: skip), with BENCH_FLAGS
#      added (e.g. "--repeat 5 --warmup 1" for our slow kernels).
# SKIP_EXAMPLES=1 skips steps 2 and 3 (a benchmark-only run).
# Logs and tables go to $OUT (default gpu-out/). Ends with "N passed, N
# failed" over steps 2 and 3.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-gpu-out}
BENCH=${BENCH-'^(dense-d128-s4096|gqa|window|document)'}
mkdir -p "$OUT"
passed=0
failed=0
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$OUT/device.txt"

echo "== build (runtime only)"
if ! { cmake -G Ninja -S . -B build-rt -DATTN_RUNTIME_ONLY=ON \
         -DCMAKE_BUILD_TYPE=Release && ninja -C build-rt attn-launch; } \
       > "$OUT/build.log" 2>&1; then
  tail -20 "$OUT/build.log"
  echo "0 passed, 1 failed"
  exit 1
fi
launch=build-rt/bin/attn-launch

echo "== examples on the GPU against the fp64 reference"
[ -n "${SKIP_EXAMPLES:-}" ] && echo "(skipped: SKIP_EXAMPLES)"
[ -n "${SKIP_EXAMPLES:-}" ] || while IFS=$'\t' read -r name list; do
  refs=gpu-work/refs/$name
  check="$refs/ref.npy,$refs/naive.npy,$refs/rows.npy"
  [ -f "$refs/ref_lse.npy" ] && check="$check,$refs/ref_lse.npy,$refs/naive_lse.npy"
  inputs=$(sed "s|[^,]*/inputs/|gpu-work/inputs/|g" <<<"$list")
  if out=$("$launch" "gpu-work/packages/$name.attnpkg" --inputs "$inputs" \
             --seed 1 --check "$check" --repeat 3 --warmup 1 2>&1); then
    passed=$((passed + 1)); status=ok
  else
    failed=$((failed + 1)); status=FAIL
  fi
  echo "$out" > "$OUT/example-$name.log"
  printf '%-22s %-4s %s | %s\n' "$name" "$status" \
    "$(grep -m1 'fp64 reference' <<<"$out" || tail -n1 <<<"$out")" \
    "$(grep -m1 'median time' <<<"$out")"
done < gpu-work/examples.txt

echo "== compute-sanitizer"
[ -n "${SKIP_EXAMPLES:-}" ] || for name in quickstart mask_mod neighborhood_1d dynamic_shapes document document_unsorted document_many_runs blocks_runtime sliding_window document_offsets; do
  list=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' gpu-work/examples.txt)
  inputs=$(sed "s|[^,]*/inputs/|gpu-work/inputs/|g" <<<"$list")
  for tool in memcheck racecheck; do
    if compute-sanitizer --tool "$tool" --error-exitcode 3 "$launch" \
         "gpu-work/packages/$name.attnpkg" --inputs "$inputs" --seed 1 \
         > "$OUT/sanitizer-$tool-$name.log" 2>&1; then
      passed=$((passed + 1)); status=clean
    else
      failed=$((failed + 1)); status=FAIL
    fi
    printf '%-10s %-22s %s: %s\n' "$tool" "$name" "$status" \
      "$(grep -m1 -E '(ERROR|RACECHECK) SUMMARY' "$OUT/sanitizer-$tool-$name.log")"
  done
done

if [ -n "$BENCH" ]; then
  echo "== benchmark against the peers"
  PYTHONUNBUFFERED=1 python3 bench/gpu/run_bench.py --only "$BENCH" \
    --packages gpu-work/bench --attn-launch "$launch" \
    --markdown "$OUT/bench.md" --json "$OUT/bench.json" ${BENCH_FLAGS:-} \
    2>&1 | tee "$OUT/bench.log"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
