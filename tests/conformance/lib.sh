# SPDX-License-Identifier: Apache-2.0
# lib.sh: the shared prelude of the conformance scripts (tests/conformance/*_test.sh): an
# isolated AWS CLI environment, `gitfargate local-aws` started and stopped, and the checks.
# Source it with the gitfargate binary as $1; exits 77 (skip) when there is no `aws` on PATH.
# Each script ends with `finish`.
set -u

bin=${1:?usage: $0 PATH/TO/gitfargate}
command -v aws >/dev/null 2>&1 || { echo "skip: the AWS CLI is not on PATH"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/local-aws-cli.XXXXXX")
pid=
endpoint=
cleanup() {
    if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

: >"$tmp/config"
: >"$tmp/credentials"
# a clean, isolated CLI environment: nothing from the user's profile, no IMDS, no proxy
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE \
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CA_BUNDLE \
      HTTP_PROXY HTTPS_PROXY http_proxy https_proxy AWS_ENDPOINT_URL
export AWS_CONFIG_FILE="$tmp/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/credentials"
export AWS_EC2_METADATA_DISABLED=true AWS_MAX_ATTEMPTS=1 AWS_PAGER= NO_PROXY=127.0.0.1
export AWS_ACCESS_KEY_ID=AKIDCONFORMANCE00001 AWS_SECRET_ACCESS_KEY='conformance/Secret+Key/0123456789abcd'
export AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1
account=123456789012
region=eu-west-1

# start_local_aws [EXTRA ARGS...]: start local-aws on $tmp/state.db; sets $pid and $endpoint
start_local_aws() {
    : >"$tmp/server.out"
    "$bin" local-aws --listen 127.0.0.1:0 --db "$tmp/state.db" --region "$region" \
        --account "$account" --credentials "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" "$@" \
        >"$tmp/server.out" 2>"$tmp/server.err" &
    pid=$!
    for _ in $(seq 1 200); do
        grep -q '^local-aws: listening on ' "$tmp/server.out" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    endpoint=$(sed -n 's/^local-aws: listening on \(http:[^ ]*\)$/\1/p' "$tmp/server.out")
    [ -n "$endpoint" ] || { echo "FAIL: local-aws did not start"; cat "$tmp/server.err"; exit 1; }
    echo "local-aws at $endpoint"
}

# stop_local_aws: SIGTERM, and check it exits 0
stop_local_aws() {
    local status
    kill -TERM "$pid"; wait "$pid"; status=$?; pid=
    [ "$status" = 0 ] && ok "SIGTERM exits 0" || ko "SIGTERM exit status $status"
}

pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

# The AWS CLI runs in one long-lived process (cli_runner.py: awscli's own driver) when the
# Python behind `aws` can import it; otherwise each command starts `aws` (about 1 s each).
cli_python=
for py in python3 $(sed -n '1s/^#! *//p' "$(command -v aws)" 2>/dev/null); do
    if "$py" -c 'import awscli.clidriver' 2>/dev/null; then cli_python=$py; break; fi
done
if [ -n "$cli_python" ]; then
    coproc CLI { "$cli_python" "$(dirname "$0")/cli_runner.py"; }
fi

# run_cli ARGS...: one CLI command; sets cli_rc, cli_out, cli_err
run_cli() {
    if [ -n "$cli_python" ]; then
        printf '%s\0' "$@" >&"${CLI[1]}"
        printf '\0' >&"${CLI[1]}"
        IFS= read -r -d '' cli_rc <&"${CLI[0]}"
        IFS= read -r -d '' cli_out <&"${CLI[0]}"
        IFS= read -r -d '' cli_err <&"${CLI[0]}"
    else
        cli_rc=0
        cli_out=$(aws "$@" 2>"$tmp/cli.err") || cli_rc=$?
        cli_err=$(cat "$tmp/cli.err")
    fi
}

# cli ARGS...: print the CLI's output against local-aws, fail like it (captures: id=$(cli ...))
cli() {
    run_cli --endpoint-url "$endpoint" "$@"
    printf '%s' "$cli_out"
    [ "$cli_rc" = 0 ] || { printf '%s\n' "$cli_err" >&2; return "$cli_rc"; }
}

# expect NAME WANT aws ARGS...: run the CLI, compare its --query text output with WANT
# (tabs and newlines become single spaces)
expect() {
    local name=$1 want=$2 got
    shift 2
    run_cli --endpoint-url "$endpoint" --output text "$@"
    if [ "$cli_rc" != 0 ]; then
        ko "$name: exit status $cli_rc ($(printf '%s' "$cli_err" | tr '\n' ' '))"
        return
    fi
    got=$(printf '%s' "$cli_out" | tr '\t\n' '  ' | sed 's/ *$//')
    if [ "$got" = "$want" ]; then ok "$name"; else ko "$name: got '$got', want '$want'"; fi
}

# expect_error NAME CODE aws ARGS...: the CLI must fail with AWS error CODE
# (a different key or secret needs a fresh CLI: use expect_error_fresh)
expect_error() {
    local name=$1 code=$2
    shift 2
    run_cli --endpoint-url "$endpoint" "$@"
    if [ "$cli_rc" = 0 ]; then
        ko "$name: succeeded, want $code"
    elif [[ "$cli_err" == *"($code)"* ]]; then
        ok "$name"
    else
        ko "$name: want $code, got: $(printf '%s' "$cli_err" | tr '\n' ' ')"
    fi
}

# expect_error_fresh NAME CODE ARGS...: as expect_error, through a new `aws` process, which
# reads the environment afresh (for wrong-key and wrong-secret checks)
expect_error_fresh() {
    local name=$1 code=$2
    shift 2
    if aws --endpoint-url "$endpoint" "$@" >/dev/null 2>"$tmp/err"; then
        ko "$name: succeeded, want $code"
    elif grep -q "($code)" "$tmp/err"; then
        ok "$name"
    else
        ko "$name: want $code, got: $(tr '\n' ' ' <"$tmp/err")"
    fi
}

# finish: the summary line and the exit status
finish() {
    echo "$pass passed, $fail failed"
    [ "$fail" = 0 ]
}
