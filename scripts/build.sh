#!/usr/bin/env bash
# build.sh: configure and build one tree. Usage: scripts/build.sh [DIR] [extra cmake args...]
# The default DIR is build/; scripts/test.sh also builds build-asan/ with sanitizers.
# Progress lines are dropped; warnings and errors are shown; the exit status is the build's.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
jobs=$(nproc 2>/dev/null || echo 2)
if ! cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$dir.configure.log" 2>&1; then
  cat "$dir.configure.log" >&2
  exit 1
fi
rc=0
cmake --build "$dir" -j"$jobs" >"$dir.build.log" 2>&1 || rc=$?
grep -vE '^\[ *[0-9]+%\]|^(Consolidate compiler|Scanning dependencies)' "$dir.build.log" || true
exit $rc
