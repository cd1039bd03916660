#!/usr/bin/env bash
# Smoke test of the real window: start the debug app under a private Xvfb on a journal
# made with the CLI, wait until the window has unlocked it over IPC, take a screenshot
# into test-output/, and check the app is still alive and the screen is not blank.
#
# Run it inside a Secret Service (the journal's key goes to the OS keyring):
#   scripts/with-secret-service.sh scripts/smoke-window.sh
# Expects target/debug/asymptote (and target/debug/asym, to create the journal).
set -euo pipefail
cd "$(dirname "$0")/.."

app="${CARGO_TARGET_DIR:-target}/debug/asymptote"
cli="${CARGO_TARGET_DIR:-target}/debug/asym"
out=test-output
timeout_s="${SMOKE_TIMEOUT:-60}"
mkdir -p "$out"
[ -x "$app" ] || { echo "FAIL: $app is not built (cargo build -p asymptote)"; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/asymptote-smoke.XXXXXX")"
xvfb_pid="" app_pid=""
cleanup() {
    [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
data="$work/journal"

# 1. A journal, made the way a person would: with the CLI. Its output holds a recovery
#    key, so it stays in the scratch folder and is never printed.
expect_unlock=yes
if [ -x "$cli" ] && "$cli" --data-dir "$data" init </dev/null >"$work/init.log" 2>&1 \
    && [ -n "$(ls -A "$data" 2>/dev/null)" ]; then
    echo "journal created with: asym --data-dir DIR init"
else
    expect_unlock=no
    echo "WARNING: \`asym init\` is not available, failed or created nothing;"
    echo "         checking the no-journal window instead (no unlock, no typing)."
    sed -n '1,5p' "$work/init.log" 2>/dev/null | grep -iv 'recovery' || true
fi

# 2. A private X server on a free display.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || { echo "FAIL: Xvfb did not start"; cat "$work/xvfb.log"; exit 1; }
export DISPLAY=":$(head -n1 "$work/display")"
echo "Xvfb on $DISPLAY"

# 3. The app. No GPU here: WebKitGTK renders in software.
export WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1
"$app" --data-dir "$data" >"$work/app.log" 2>&1 &
app_pid=$!

# 4. Wait until the window has done its work: with a journal, the page's script must have
#    called `unlock` over IPC and the shell must have opened the store with the OS keyring.
if [ "$expect_unlock" = yes ]; then
    waited=0
    until grep -q "asymptote: journal unlocked" "$work/app.log"; do
        if ! kill -0 "$app_pid" 2>/dev/null; then
            echo "FAIL: the app exited before unlocking the journal:"; cat "$work/app.log"; exit 1
        fi
        [ "$waited" -ge "$timeout_s" ] && { echo "FAIL: no unlock within ${timeout_s}s:"; cat "$work/app.log"; exit 1; }
        sleep 1; waited=$((waited + 1))
    done
    echo "the window unlocked the journal after ~${waited}s"
    # The Today screen reports itself drawn and interactive once (the startup benchmark's marker).
    until grep -qE "asymptote: ready [0-9]+ ms" "$work/app.log"; do
        [ "$waited" -ge "$timeout_s" ] && { echo "FAIL: no ready marker within ${timeout_s}s:"; cat "$work/app.log"; exit 1; }
        sleep 1; waited=$((waited + 1))
    done
    grep -E "asymptote: ready [0-9]+ ms" "$work/app.log"
fi
sleep "${SMOKE_SETTLE:-4}" # let the page paint

# 5. With a journal, act as a person: Today's journal entry box has the focus, so type a line
#    and press Ctrl+Enter; the shell must report that it stored it.
if [ "$expect_unlock" = yes ]; then
    win="$(timeout 20 xdotool search --sync --onlyvisible --limit 1 --name '^Asymptote$' 2>/dev/null || true)"
    [ -n "$win" ] || { echo "FAIL: no visible window titled Asymptote"; exit 1; }
    # No window manager here: X gives the keyboard to the window under the pointer, and
    # the page has already put the focus in the reflection box. Keys go through XTEST,
    # as a real keyboard's would.
    xdotool mousemove --window "$win" 40 200
    xdotool type --delay 15 "Practised scales <b>slowly</b>; the hard bar came together."
    xdotool key ctrl+Return
    waited=0
    until grep -q "asymptote: reflection added" "$work/app.log"; do
        [ "$waited" -ge 20 ] && { echo "FAIL: typing a reflection and pressing Ctrl+Enter stored nothing"; cat "$work/app.log"; exit 1; }
        sleep 1; waited=$((waited + 1))
    done
    echo "ok: a reflection typed into the window was stored"
    sleep 2
fi

shot="$out/window.png"
import -window root "$shot"
echo "screenshot: $shot"

# 6. Checks that can fail.
status=0
if kill -0 "$app_pid" 2>/dev/null; then
    echo "ok: the app is still running"
else
    echo "FAIL: the app is no longer running:"; cat "$work/app.log"; status=1
fi
colours="$(identify -format '%k' "$shot")"
if [ "$colours" -gt 16 ]; then
    echo "ok: the screen shows something ($colours colours)"
else
    echo "FAIL: the screen is blank ($colours colours)"; status=1
fi
if grep -qE "panicked|could not start" "$work/app.log"; then
    echo "FAIL: the app reported a problem:"; cat "$work/app.log"; status=1
fi
cp "$work/app.log" "$out/window-app.log"
exit "$status"
