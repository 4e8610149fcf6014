#!/usr/bin/env bash
# build.sh: configure and build one tree. Usage: scripts/build.sh [DIR] [extra cmake args...]
# The default DIR is build/; scripts/test.sh also builds build-asan/ with sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$dir.configure.log" 2>&1 || {
  cat "$dir.configure.log" >&2
  exit 1
}
cmake --build "$dir" -j"$jobs" 2>&1 | grep -vE '^\[ *[0-9]+%\]|^(Consolidate compiler|Scanning dependencies)' || true
test "${PIPESTATUS[0]}" -eq 0
