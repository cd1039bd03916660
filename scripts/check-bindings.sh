#!/usr/bin/env bash
# Fails when ui/src/bindings/ is stale: regenerates the IPC types into a temp folder and
# compares; then fails when a file generated from the #[tauri::command] fns is stale (the
# handler list, the permissions, the capability, ui/src/ipc.generated.ts), naming it; the
# generator's own test fails in `cargo test` too. Fix with scripts/gen-bindings.sh and commit.
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
cargo run --quiet --locked -p asymptote-ipc-contract -- --check
