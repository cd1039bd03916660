#!/usr/bin/env bash
# End-to-end tests of the real app window, with an accessibility scan of every screen:
# tauri-driver (built into .tools/, nothing cached outside the repo) drives Debian's
# WebKitWebDriver, which starts the debug app on a fresh temporary journal (--data-dir) inside
# a private Xvfb and a private real Secret Service. Tests: tests/e2e/*.test.mjs (node --test).
# Screenshots, logs and axe.json go to test-output/e2e/.
#
#   scripts/e2e.sh              install what is missing, build the UI and the app, run
#   scripts/e2e.sh --no-build   reuse ui/dist and target/debug (scripts/test.sh built them)
#   scripts/e2e.sh [--no-build] share.test.mjs …   only these files (in tests/e2e/)
# E2E_OUT (default test-output/e2e) is where the output goes, so two runs can share a tree.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
started=$SECONDS

TAURI_DRIVER_VERSION=2.1.0
build=yes
if [ "${1:-}" = "--no-build" ]; then
    build=no
    shift
fi
files=("$@")
export E2E_OUT="${E2E_OUT:-test-output/e2e}"

header "e2e: system packages"
ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${E2E_PACKAGES[@]}"
ensure_toolchains

header "e2e: tauri-driver $TAURI_DRIVER_VERSION (into .tools/)"
if ! .tools/bin/tauri-driver --help >/dev/null 2>&1 \
    || ! grep -qs "tauri-driver $TAURI_DRIVER_VERSION" .tools/.crates.toml; then
    cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked --root .tools </dev/null
else
    echo "tauri-driver $TAURI_DRIVER_VERSION is installed"
fi

header "e2e: test dependencies (npm ci in tests/e2e)"
if [ ! -f tests/e2e/node_modules/.package-lock.json ] \
    || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules/.package-lock.json ]; then
    (cd tests/e2e && npm ci --no-audit --no-fund </dev/null)
else
    echo "tests/e2e/node_modules is up to date"
fi

if [ "$build" = yes ]; then
    header "e2e: build the UI and the app (debug)"
    ui_deps
    build_ui
    cargo build --locked -p asymptote -p asym </dev/null
fi
app_bin="${CARGO_TARGET_DIR:-target}/debug/asymptote"
[ -x "$app_bin" ] || die "$app_bin is not built: run without --no-build"
export ASYMPTOTE_APP="${ASYMPTOTE_APP:-$(realpath "$app_bin")}"
# The CLI, for tests that prepare a journal or check the window's files from outside.
asym_bin="${CARGO_TARGET_DIR:-target}/debug/asym"
[ -x "$asym_bin" ] || die "$asym_bin is not built: run without --no-build"
export ASYM_BIN="${ASYM_BIN:-$(realpath "$asym_bin")}"

header "e2e: run (Xvfb + real Secret Service)"
rm -rf "$E2E_OUT"
mkdir -p "$E2E_OUT"
work="$(mktemp -d "${TMPDIR:-/tmp}/asymptote-e2e-run.XXXXXX")"
xvfb_pid=""
cleanup() {
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
# A free display, chosen by the X server itself (other runs may hold :99).
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { cat "$work/xvfb.log"; die "Xvfb did not start"; }
export DISPLAY=":$(head -n1 "$work/display")"
echo "Xvfb on $DISPLAY"

# WebKit's helpers (portal, at-spi, PipeWire) chatter on stderr; their noise goes to a log
# file per test file and the test runner's own report to the terminal. Each file runs in its
# own with-secret-service.sh session (a throwaway HOME, runtime dir and gnome-keyring), so
# nothing one file leaves behind reaches the next.
#
# gnome-keyring-daemon itself has crashed once here (SIGTRAP in GLib, 2026-11-23, not
# reproduced in the next runs). Its D-Bus activation then starts a second, locked daemon,
# which answers with "couldn't connect to control socket" and fails every keyring call that
# follows. A file that fails with that signature is run once more in a fresh session, and
# the crash is reported; any other failure fails the run at once.
if [ "${#files[@]}" -eq 0 ]; then
    mapfile -t files < <(cd tests/e2e && ls -- *.test.mjs | LC_ALL=C sort)
fi
run_file() { # FILE LOG
    scripts/with-secret-service.sh bash -c 'cd tests/e2e && exec node --test --test-concurrency=1 --test-reporter=spec "$1"' \
        e2e "$1" </dev/null 2>"$2"
}
status=0
for file in "${files[@]}"; do
    log="$E2E_OUT/${file%.test.mjs}.stderr.log"
    file_status=0
    run_file "$file" "$log" || file_status=$?
    if [ "$file_status" -ne 0 ] && grep -q "couldn't connect to control socket" "$log"; then
        echo "e2e: NOTE: the Secret Service (gnome-keyring-daemon) died during $file; running it once more in a fresh one"
        mv "$log" "${log%.log}.keyring-crash.log"
        file_status=0
        run_file "$file" "$log" || file_status=$?
    fi
    if [ "$file_status" -ne 0 ]; then
        status=$file_status
        echo "e2e: $file FAILED (exit $file_status); the app's and the driver's output is in $E2E_OUT/*.log"
        tail -n 30 "$log"
    fi
done
ls "$E2E_OUT"/*.png 2>/dev/null | sed 's/^/screenshot: /' || true
echo "e2e: $((SECONDS - started))s"
exit "$status"
