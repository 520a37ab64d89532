#!/usr/bin/env bash
# Sets up (scripts/setup.sh), then runs every suite: lit (dialect, passes,
# examples, robustness) and GoogleTest. Ends with "N passed, N failed" and
# exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

if ! scripts/setup.sh; then
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0
failed=0
mkdir -p "$BUILD_DIR/test-results"

# lit
/usr/lib/llvm-22/bin/lit -sv --xunit-xml-output "$BUILD_DIR/test-results/lit.xml" \
  "$BUILD_DIR/test" | tee "$BUILD_DIR/test-results/lit.log"
read -r lp lf < <(python3 - "$BUILD_DIR/test-results/lit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
t = f = s = 0
for suite in root.iter("testsuite"):
    t += int(suite.get("tests", 0)); f += int(suite.get("failures", 0)) + int(suite.get("errors", 0)); s += int(suite.get("skipped", 0))
print(t - f - s, f)
PY
) || { lp=0; lf=1; }
passed=$((passed + lp)); failed=$((failed + lf))

# GoogleTest
"$BUILD_DIR/bin/attn-unittests" --gtest_brief=1 \
  --gtest_output="xml:$BUILD_DIR/test-results/unit.xml"
read -r up uf < <(python3 - "$BUILD_DIR/test-results/unit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
t = int(root.get("tests", 0)); f = int(root.get("failures", 0)) + int(root.get("errors", 0)); s = int(root.get("disabled", 0)) + int(root.get("skipped", 0) or 0)
print(t - f - s, f)
PY
) || { up=0; uf=1; }
passed=$((passed + up)); failed=$((failed + uf))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
