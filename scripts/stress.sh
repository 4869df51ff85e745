#!/usr/bin/env bash
# The suite N times in a row (default 5) while CPU-bound jobs run beside it (default 2, one a core
# of this 2-core machine; HOGS=N): a flaky test shows up here before it shows up in CI. Stops at
# the first failing run.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
npm run build >/dev/null
npx tsc -p test
hogs=()
for _ in $(seq 1 "${HOGS:-2}"); do
  node -e 'for (;;) {}' &
  hogs+=($!)
done
trap 'kill "${hogs[@]}" 2>/dev/null' EXIT
for i in $(seq 1 "$runs"); do
  echo "run $i of $runs"
  npx mocha
done
