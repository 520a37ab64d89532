#!/usr/bin/env bash
# Sets up attn (scripts/setup.sh) and runs the main job on one spec: compile
# it (attn-to-ptx when a GPU answers, else attn-to-cpu), run it on random
# inputs on that device, say whether it matched the fp64 reference, and
# print its tile report. DEVICE=cpu|cuda forces a device. Specs with
# integer operands (segment ids, document offsets, block masks) or dynamic
# extents get their inputs from scripts/example-inputs.py unless the flags
# give --inputs; dynamic extents are then 2 (batch) and SEQ (1500), which the
# tile report also uses.
# Usage: scripts/run.sh [SPEC.mlir] [extra attn-run flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
spec=${1:-examples/quickstart.mlir}
shift || true
scripts/setup.sh >&2 || { echo "run: setup failed" >&2; exit 1; }
device=${DEVICE:-cpu}
if [ -z "${DEVICE:-}" ] && command -v nvidia-smi >/dev/null 2>&1 &&
   nvidia-smi -L >/dev/null 2>&1; then
  device=cuda
fi
seq=${SEQ:-1500}
inputs=()
if [[ " $* " != *" --inputs"* ]]; then
  made=$(mktemp -d)
  trap 'rm -rf "$made"' EXIT
  list=$(python3 scripts/example-inputs.py "$spec" "$made" --random-floats \
    --batch 2 --seq "$seq")
  [ -z "$list" ] || inputs=(--inputs "$list")
fi
echo "run: running $spec on the $device" >&2
"$BUILD_DIR/bin/attn-run" "$spec" --device "$device" --seed 1 --check \
  --repeat 3 "${inputs[@]}" "$@"
"$BUILD_DIR/bin/attn-opt" "$spec" \
  --attn-tile-report="q-tile=64 kv-tile=64 seq-q=$seq seq-kv=$seq" -o /dev/null
