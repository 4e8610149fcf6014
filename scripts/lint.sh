#!/usr/bin/env bash
# lint.sh: checks the compiler cannot make: banned.h in every C file, cppcheck, and clang-tidy
# (.clang-tidy, warnings as errors) over the product code, using build/compile_commands.json.
# Usage: scripts/lint.sh [BUILD_DIR]
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
build=${1:-build}
if command -v clang-tidy >/dev/null 2>&1 && [ -f "$build/compile_commands.json" ]; then
  # Product code only (tests follow Criterion's macros); the generated op tables are data.
  product=$(git ls-files 'common/*.c' 'state/*.c' 'aws/*.c' 'aws/local/*.c' 'gitsync/*.c' \
    'reconcile/*.c' 'controller/*.c' | grep -v '^aws/codec_ops.c$' || true)
  jobs=$(nproc 2>/dev/null || echo 2)
  if [ -n "$product" ]; then
    # The static analyzer's path budget is clang's shallow one (75,000 nodes, not 225,000): the
    # deep default tripled the lint's time (28 s of CPU for aws/local/svc_ec2.c alone) for the
    # suite's 10-minute budget; every checker still runs on every function.
    tidy_out=$(printf '%s\n' $product | xargs -P "$jobs" -n 4 clang-tidy -p "$build" --quiet \
      --extra-arg=-Xclang --extra-arg=-analyzer-config --extra-arg=-Xclang \
      --extra-arg=max-nodes=75000 2>/dev/null \
      | grep -E '(warning|error):' || true)
    if [ -n "$tidy_out" ]; then
      echo "$tidy_out" >&2
      echo "lint: clang-tidy found problems (see .clang-tidy)" >&2
      status=1
    fi
  fi
elif [ "${CI:-}" = true ]; then
  echo "lint: clang-tidy or $build/compile_commands.json missing" >&2
  status=1
else
  echo "lint: clang-tidy skipped (not installed, or no $build/compile_commands.json)" >&2
fi
[ $status -eq 0 ] && echo "lint: ok"
exit $status
