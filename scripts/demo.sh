#!/usr/bin/env bash
# demo.sh: the README's first command: install what is missing, build, and run the main job:
# `gitfargate apply` of a bundled example stack against a `gitfargate local-aws` this script
# starts on a kernel-picked loopback port (with its starting topology: a VPC with public and
# private subnets, gateways, hosted zones, an ECR image). It prints the plan, the apply's
# progress, the enriched stack file (every ARN and id found or made) and the audit rows, then
# applies again to show that an unchanged stack makes no mutating call.
# Usage: scripts/demo.sh [STACK.yml]   (default: examples/nightly-report.yml)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh build
echo "== building" >&2
scripts/build.sh build >&2
gf=$PWD/build/controller/gitfargate
stack_src=${1:-examples/nightly-report.yml}
work=$(mktemp -d "${TMPDIR:-/tmp}/gitfargate-demo-XXXXXX")
la_pid=
cleanup() {
    if [ -n "$la_pid" ]; then kill -TERM "$la_pid" 2>/dev/null; wait "$la_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

echo
echo "== gitfargate local-aws (a local AWS: state in $work/local-aws.db)"
"$gf" local-aws --listen 127.0.0.1:0 --db "$work/local-aws.db" --region us-east-1 \
    --account 123456789012 --image report-runner:latest >"$work/local-aws.out" 2>&1 &
la_pid=$!
for _ in $(seq 1 100); do
    grep -q '^local-aws: listening on ' "$work/local-aws.out" && break
    kill -0 "$la_pid" 2>/dev/null || break
    sleep 0.1
done
endpoint=$(sed -n 's/^local-aws: listening on \(http:[^ ]*\).*$/\1/p' "$work/local-aws.out")
[ -n "$endpoint" ] || { cat "$work/local-aws.out"; echo "local-aws did not start" >&2; exit 1; }
cat "$work/local-aws.out"

# talk to it, and to nothing else: its test keys, no profile, no instance metadata
export AWS_ENDPOINT_URL=$endpoint AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test \
       AWS_SECRET_ACCESS_KEY=test AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
       AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE
stack=$work/$(basename "$stack_src")
cp "$stack_src" "$stack"

echo
echo "== gitfargate apply -c $(basename "$stack")"
"$gf" apply --db "$work/gitfargate.db" -c "$stack"

echo
echo "== the enriched stack file (configuration as state)"
cat "$stack"

echo
echo "== gitfargate apply again: nothing to change, no mutating AWS call"
"$gf" apply --db "$work/gitfargate.db" -c "$stack"

echo
echo "== gitfargate audit"
"$gf" audit --db "$work/gitfargate.db"
