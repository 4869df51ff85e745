#!/usr/bin/env bash
# The suite N times in a row (default 10) while a CPU-heavy job runs beside it: a flaky test
# shows up here before it shows up in CI. Stops at the first failing run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
npm run build >/dev/null
node -e 'for (;;) {}' &
hog=$!
trap 'kill $hog 2>/dev/null' EXIT
for i in $(seq 1 "$runs"); do
  echo "run $i of $runs"
  npx mocha
done
