#!/usr/bin/env bash
# demo.sh: the README's first command: install what is missing, build, and run the main job on
# the bundled example stacks. Today the main job is `gitfargate validate` and
# `gitfargate plan --offline` (the apply engine, local-aws and sync are being built); every run is
# recorded in a SQLite audit store, shown at the end with `gitfargate audit`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh build
echo "== building" >&2
scripts/build.sh build >&2
gf=build/controller/gitfargate
work=$(mktemp -d "${TMPDIR:-/tmp}/gitfargate-demo-XXXXXX")
trap 'rm -rf "$work"' EXIT

echo
echo "== gitfargate validate examples/*.yml"
"$gf" validate examples/*.yml

echo
echo "== gitfargate plan --offline -c examples/storefront.yml"
"$gf" plan --offline --db "$work/audit.db" -c examples/storefront.yml

echo
echo "== gitfargate audit"
"$gf" audit --db "$work/audit.db"
