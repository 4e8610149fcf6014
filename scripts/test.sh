#!/usr/bin/env bash
# test.sh: the whole test suite, as CI runs it (.ci/run): install what is missing, build the
# normal tree and the ASan+UBSan tree (warnings are errors in both), run every test in both,
# then the static checks. Exit 0 only if everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
# "phase: N s" after each step, so that the time of a run can be read from its log
phase() { echo "== ($(( $(date +%s) - start )) s) $*"; }

scripts/deps.sh test

phase "build (RelWithDebInfo)"
scripts/build.sh build
phase "build (ASan+UBSan)"
scripts/build.sh build-asan -DGF_SANITIZE=address,undefined -DGF_BENCH=OFF

# The static checks need only build/compile_commands.json: they run at low priority while the
# tests (mostly waiting on servers and processes) run, and are reported after them.
phase "static checks (in the background)"
rm -f build/lint.rc
(nice -n 10 scripts/lint.sh build >build/lint.log 2>&1; echo $? >build/lint.rc) &
lint_pid=$!

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Twice the cores: the integration tests mostly wait on servers, injected latency and child
# processes (a -j2 run kept 1.25 of 2 cores busy; -j4 took the normal pass from 320 s to 237 s).
jobs=$(( 2 * $(nproc 2>/dev/null || echo 2) ))
status=0
phase "tests in build"
(cd build && ctest -j"$jobs" --output-on-failure --timeout 300) || status=1
# The sanitized pass runs every test but the AWS CLI conformance scripts: those check the wire
# dialect, which sanitizers do not change, and local-aws itself runs under ASan in
# integration/local_aws_test.
# Tests that run a scenario against both local-aws and moto run only the local-aws half here
# (GF_TEST_SKIP_MOTO): moto checks the wire dialect, which sanitizers do not change.
phase "tests in build-asan"
(cd build-asan && GF_TEST_SKIP_MOTO=1 ctest -j"$jobs" --output-on-failure --timeout 300 -LE conformance) || status=1

phase "static checks"
wait "$lint_pid" || true
cat build/lint.log
[ "$(cat build/lint.rc 2>/dev/null)" = 0 ] || status=1

echo "== done in $(( $(date +%s) - start )) s"
exit $status
