#!/usr/bin/env bash
# Fails when ui/src/bindings/ is stale: regenerates the IPC types into a temp folder and
# compares. Fix with scripts/gen-bindings.sh and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
scripts/gen-bindings.sh "$tmp" >/dev/null
if ! diff -ru ui/src/bindings "$tmp"; then
    echo "ui/src/bindings is stale: run scripts/gen-bindings.sh and commit the result." >&2
    exit 1
fi
echo "bindings: up to date"
