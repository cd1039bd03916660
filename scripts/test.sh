#!/usr/bin/env bash
# Run every test: installs what it needs if missing, then formatting, lints, the UI type
# check, the whole workspace's tests inside a private real Secret Service, and a smoke
# test of the real window under Xvfb. Every step runs; the script exits non-zero if any
# step failed, and names the failures at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
started=$SECONDS

header "System packages"
ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"

header "Toolchains"
ensure_toolchains fmt-and-clippy

header "UI dependencies (npm ci)"
ui_deps always

failed=()
step() {
    local name="$1"
    shift
    header "$name"
    local t=$SECONDS
    if "$@"; then
        echo "-- $name: ok ($((SECONDS - t))s)"
    else
        echo "-- $name: FAILED ($((SECONDS - t))s)"
        failed+=("$name")
    fi
}

step "cargo fmt --all --check" cargo fmt --all --check
step "UI type check (tsc --noEmit)" bash -c 'cd ui && npm run --silent check'
step "UI unit tests (vitest)" bash -c 'cd ui && npm test --silent'
# The app embeds ui/dist at compile time, so the UI is built before anything compiles it.
step "UI build (vite)" build_ui
step "cargo clippy --workspace --all-targets -- -D warnings" \
    cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo doc --workspace --no-deps (-D warnings)" \
    env RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
# One debug build of everything (the app, asym, every test and bench) with the features
# `cargo test --workspace` resolves, so the tests, the bindings check, the smoke test and the
# end-to-end tests below all reuse it instead of compiling the tree again.
step "Build the workspace once (debug, all targets)" \
    cargo build --workspace --all-targets --locked
step "cargo test --workspace (inside a real Secret Service)" \
    scripts/with-secret-service.sh cargo test --workspace --locked
step "IPC bindings up to date (ts-rs)" scripts/check-bindings.sh
step "Window smoke test (Xvfb + real Secret Service)" \
    scripts/with-secret-service.sh scripts/smoke-window.sh
step "End-to-end + accessibility (tauri-driver, axe-core)" scripts/e2e.sh --no-build
# The package of the debug build above (stripped): the tree is compiled once. The release
# package is `scripts/package-deb.sh --check` (release builds are what run.sh launches).
step "Debian package (.deb) of the debug build: bundle, install, launch, remove" \
    scripts/package-deb.sh --debug --check

header "Summary ($((SECONDS - started))s)"
if [ "${#failed[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
echo "Every step passed."
