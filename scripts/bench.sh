#!/usr/bin/env bash
# bench.sh: build and run the benchmarks of tests/bench/ (figures go to docs/benchmarks.md).
# Not part of the test suite: timings belong in benchmarks, never in timed unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
scripts/build.sh build-bench -DCMAKE_BUILD_TYPE=Release
for b in build-bench/tests/*_bench; do
  echo "== $b"
  "$b"
done
