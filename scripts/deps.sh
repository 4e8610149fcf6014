#!/usr/bin/env bash
# deps.sh: install the Debian packages gitfargate needs to build, run and test.
# Idempotent: does nothing when all are present; runs `apt-get update` only when something is
# missing; works as root or through sudo. Usage: scripts/deps.sh [build|test]
set -euo pipefail

mode=${1:-build}
pkgs=(build-essential cmake pkg-config git ca-certificates
      libgit2-dev libcurl4-openssl-dev libyaml-dev libjansson-dev libssl-dev libsqlite3-dev
      libxml2-dev libmicrohttpd-dev libcriterion-dev python3)
if [ "$mode" = test ]; then
  pkgs+=(clang clang-tidy cppcheck sqlite3)
fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# The AWS CLI is the independent client of the conformance tests: Debian's awscli where none is.
if [ "$mode" = test ] && ! command -v aws >/dev/null 2>&1; then
  missing+=(awscli)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "deps: installing ${missing[*]}" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "deps: missing packages (${missing[*]}) and not root, with no sudo to install them" >&2
    exit 1
  fi
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
