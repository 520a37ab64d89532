#!/usr/bin/env bash
# Sets up attn (scripts/setup.sh) and runs the main job on one spec:
# parse, verify and print the tile report of every attn.attention in it.
# Usage: scripts/run.sh [SPEC.mlir] [extra attn-opt flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
spec=${1:-examples/attention_sinks.mlir}
shift || true
scripts/setup.sh >&2 || { echo "run: setup failed" >&2; exit 1; }
exec "$BUILD_DIR/bin/attn-opt" "$spec" --attn-tile-report -o /dev/null "$@"
