#!/usr/bin/env bash
# lint.sh: checks the compiler cannot make: banned.h in every C file, and cppcheck.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
files=$(git ls-files '*.c' 2>/dev/null || find . -name '*.c' -not -path './build*')
for f in $files; do
  case "$f" in cmake/empty.c) continue ;; esac
  if ! grep -q '#include "common/banned.h"' "$f"; then
    echo "lint: $f does not include common/banned.h (include it last)" >&2
    status=1
  fi
done
if command -v cppcheck >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  cppcheck --quiet --enable=warning,portability --error-exitcode=1 --inline-suppr \
    --suppress=missingIncludeSystem --suppress=unknownMacro -I . $files || status=1
fi
[ $status -eq 0 ] && echo "lint: ok"
exit $status
