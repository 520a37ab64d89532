#!/usr/bin/env bash
# Checks every spec under examples/ (or those named) against the fp64
# reference on the CPU: `attn-run SPEC --device cpu --seed 1 --check`, which
# compares the output on 64 query rows drawn with the seed (ATTN_RUN_FLAGS
# adds flags, e.g. "--check-rows 0" for every row). Prints one line per
# example (the time of attn-run: compile, run, check; and its figures) and
# ends with "N matched, M did not"; exits non-zero when one did not.
#
# Builds nothing: BUILD_DIR (default build) must hold bin/attn-run. Inputs are
# drawn at random by attn-run, except for specs with integer operands
# (document, document_offsets, blocks_runtime) or dynamic extents
# (dynamic_shapes): scripts/example-inputs.py writes all their inputs as .npy
# (valid segment ids, offsets and block masks; N(0, 1) floats) into a
# temporary folder, removed afterwards.
#
# Usage: [BUILD_DIR=...] scripts/check-examples.sh [examples/X.mlir ...]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD_DIR=${BUILD_DIR:-build}
ATTN_RUN_FLAGS=${ATTN_RUN_FLAGS:-}
attn_run="$BUILD_DIR/bin/attn-run"
if [ ! -x "$attn_run" ]; then
  echo "check-examples: no $attn_run (build first, or set BUILD_DIR)" >&2
  exit 1
fi

if [ $# -gt 0 ]; then
  specs=("$@")
else
  specs=(examples/*.mlir)
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/attn-check-examples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

matched=0
did_not=0
for spec in "${specs[@]}"; do
  name=$(basename "$spec" .mlir)
  inputs_dir="$tmp/$name"
  prep=""
  start=$(now)
  if ! list=$(python3 scripts/example-inputs.py "$spec" "$inputs_dir" 2>&1); then
    printf '%-22s %8s  ERROR making inputs: %s\n' "$name" "-" "$list"
    did_not=$((did_not + 1))
    rm -rf "$inputs_dir"
    continue
  fi
  cmd=("$attn_run" "$spec" --device cpu --seed 1 --check)
  if [ -n "$list" ]; then
    cmd+=(--inputs "$list")
    prep=" (inputs made in $(elapsed "$start" "$(now)") s)"
  fi
  # shellcheck disable=SC2206
  cmd+=($ATTN_RUN_FLAGS)
  start=$(now)
  out=$("${cmd[@]}" 2>&1)
  rc=$?
  time_s=$(elapsed "$start" "$(now)")
  line=$(grep -m1 'the fp64 reference' <<<"$out")
  if [ "$rc" -eq 0 ] && [[ "$line" == matched* ]]; then
    matched=$((matched + 1))
  else
    did_not=$((did_not + 1))
    [ -n "$line" ] || line="ERROR (exit $rc): $(tail -n1 <<<"$out")"
    repro="${cmd[*]}"
    [ -z "$list" ] ||
      repro="python3 scripts/example-inputs.py $spec $inputs_dir && $repro"
    line="$line; command: $repro"
  fi
  printf '%-22s %8s s  %s%s\n' "$name" "$time_s" "$line" "$prep"
  rm -rf "$inputs_dir"
done
echo "$matched matched, $did_not did not"
[ "$did_not" -eq 0 ]
