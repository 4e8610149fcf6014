#!/usr/bin/env bash
# make-demo-repo.sh DIR: build a demo GitOps repository for gitfargate in DIR.
#
# The repository has the example stacks under stacks/, a README, and three commits on
# `main` telling a small story: the stacks are added; the storefront's image is bumped;
# a nightly scheduled job is added. Commit dates and identities are fixed, so the same
# examples always give the same commit ids. No network is used.
#
# DIR may be missing or empty. A non-empty DIR is refused unless it is a demo repository
# made by this script (marked with `gitfargate.demo = true` in its .git/config); such a
# DIR is rebuilt from scratch, so running the script twice gives the same repository.
set -euo pipefail

usage() {
    echo "usage: $0 DIR" >&2
    exit 64
}

[ $# -eq 1 ] || usage
dir=$1
[ -n "$dir" ] || usage
src=$(cd "$(dirname "$0")/.." && pwd)/examples
[ -d "$src" ] || { echo "make-demo-repo: examples not found in '$src'" >&2; exit 1; }
command -v git >/dev/null || { echo "make-demo-repo: git not found" >&2; exit 1; }

is_own_demo() {
    [ -d "$1/.git" ] && [ "$(git -C "$1" config --local --get gitfargate.demo 2>/dev/null)" = true ]
}

if [ -e "$dir" ] && [ ! -d "$dir" ]; then
    echo "make-demo-repo: '$dir' exists and is not a directory" >&2
    exit 1
fi
if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    if ! is_own_demo "$dir"; then
        echo "make-demo-repo: '$dir' is not empty and is not a gitfargate demo repository" >&2
        exit 1
    fi
    # Ours: empty it (the folder itself stays, with its permissions).
    find "$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# Keep the user's and the system's git configuration out of it: hooks, templates, signing,
# default branch names and the like would make the result differ between machines.
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME="Demo Developer" GIT_AUTHOR_EMAIL="developer@example.com"
export GIT_COMMITTER_NAME="Demo Developer" GIT_COMMITTER_EMAIL="developer@example.com"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

g() {
    git -C "$dir" "$@"
}

commit() { # commit DATE MESSAGE
    GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" g commit --quiet --no-verify -m "$2"
}

g init --quiet --template= 2>/dev/null || g init --quiet
g symbolic-ref HEAD refs/heads/main
g config user.name "Demo Developer"
g config user.email "developer@example.com"
g config commit.gpgsign false
g config core.autocrlf false
g config gitfargate.demo true

mkdir -p "$dir/stacks"
cat >"$dir/README.md" <<'README'
# Demo stacks for gitfargate

One file per application stack under `stacks/`, in the App::FargateStack format. Merging a
change to `main` is a deployment: gitfargate plans the AWS changes each changed file
implies, applies them, and commits the enriched file (ARNs, ids, defaults) with the run's
outcome to the `gitfargate/status` branch.

    gitfargate validate stacks/*.yml       # check the files, no AWS calls
    gitfargate plan --offline stacks/storefront.yml
    git log gitfargate/status              # deployment history, once gitfargate has run

This repository was made by scripts/make-demo-repo.sh in the gitfargate source tree.
README

# 1. Add the stacks; the storefront still runs 1.2.2, and the nightly job is not there yet.
for f in "$src"/*.yml; do
    name=$(basename "$f")
    [ "$name" = nightly-report.yml ] && continue
    cp "$f" "$dir/stacks/$name"
done
sed -i 's/1\.2\.3/1.2.2/g' "$dir/stacks/storefront.yml"
g add README.md stacks
count=$(find "$dir/stacks" -name '*.yml' | wc -l)
commit "2026-01-05T10:00:00Z" "Add the application stacks

$count stacks, one per application: web apps, workers, queues and jobs."

# 2. Ship storefront 1.2.3: a new task-definition revision and a service update.
cp "$src/storefront.yml" "$dir/stacks/storefront.yml"
g add stacks/storefront.yml
commit "2026-01-06T14:30:00Z" "storefront: bump image to 1.2.3

Fixes the basket total rounding. The service rolls onto the new revision."

# 3. A new scheduled job: an EventBridge rule and a task definition.
cp "$src/nightly-report.yml" "$dir/stacks/nightly-report.yml"
g add stacks/nightly-report.yml
commit "2026-01-07T09:15:00Z" "Add the nightly-report job

Runs at 02:00 UTC every day."

echo "make-demo-repo: demo repository ready in $dir (branch main, $(g rev-list --count HEAD) commits)"
