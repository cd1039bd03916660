#!/usr/bin/env bash
# Builds the Debian package with the Tauri bundler (release build of the app), inspects it
# (dpkg-deb --info/--contents, lintian), and with --check installs it with dpkg -i (apt-get
# -f install for its dependencies), launches the installed /usr/bin/asymptote under a private
# Xvfb on a temporary journal folder, checks that it stays up and shows its window, takes a
# screenshot (test-output/deb-window.png), and removes the package again.
#
#   scripts/package-deb.sh            build and inspect: target/release/bundle/deb/*.deb
#   scripts/package-deb.sh --check    …then install, launch, remove (root or sudo)
#   scripts/package-deb.sh --check-only   install/launch/remove the .deb already built
#
# The Tauri CLI is the npm package @tauri-apps/cli, pinned in scripts/lib/tauri-cli.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
# shellcheck source=scripts/lib/tauri-cli.sh
source scripts/lib/tauri-cli.sh
started=$SECONDS
mode="${1:-build}"
case "$mode" in build | --check | --check-only) ;; *) die "usage: $0 [--check | --check-only]" ;; esac
out=test-output
target_dir="${CARGO_TARGET_DIR:-target}"
mkdir -p "$out"

if [ "$mode" != --check-only ]; then
    header "deb: system packages"
    ensure_packages "${BUILD_PACKAGES[@]}" lintian
    ensure_toolchains

    header "deb: the Tauri CLI"
    ensure_tauri_cli

    header "deb: tauri build --bundles deb (release)"
    t=$SECONDS
    rm -rf "$target_dir/release/bundle/deb"
    tauri_build --bundles deb
    echo "deb: built in $((SECONDS - t))s"
fi

deb="$(ls -t "$target_dir"/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)"
[ -n "$deb" ] || die "no .deb in $target_dir/release/bundle/deb/"
echo "deb: $deb ($(du -h "$deb" | cut -f1))"

if [ "$mode" != --check-only ]; then
    header "deb: dpkg-deb --info"
    dpkg-deb --info "$deb"
    header "deb: dpkg-deb --contents"
    dpkg-deb --contents "$deb"
    header "deb: lintian"
    if command -v lintian >/dev/null 2>&1; then
        # Reported, not fatal: a bundler-made package has known nits (no changelog, no man page).
        lintian --tag-display-limit 0 "$deb" 2>&1 | tee "$out/deb-lintian.txt" || true
        echo "lintian: $(grep -c '^E:' "$out/deb-lintian.txt" || true) errors, $(grep -c '^W:' "$out/deb-lintian.txt" || true) warnings (test-output/deb-lintian.txt)"
    else
        echo "lintian is not installed: skipped"
    fi
fi

[ "$mode" = build ] && { echo "deb: $((SECONDS - started))s"; exit 0; }

header "deb: install, launch, remove"
ensure_packages xvfb xauth xdotool imagemagick gnome-keyring dbus dbus-x11
package="$(dpkg-deb --field "$deb" Package)"
# Never replace (and then remove) a copy someone installed on purpose.
if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    die "$package is already installed here; this check installs and removes it, so it stops (dpkg -r $package first)"
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/asymptote-deb.XXXXXX")"
xvfb_pid="" app_pid="" installed=no
cleanup() {
    [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    if [ "$installed" = yes ]; then
        as_root dpkg -r "$package" >/dev/null && echo "deb: removed $package"
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if ! as_root env DEBIAN_FRONTEND=noninteractive dpkg -i "$deb"; then
    echo "deb: dpkg -i needs dependencies: apt-get -f install"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -f install -y -q </dev/null
fi
installed=yes
dpkg-query -W -f='deb: installed ${Package} ${Version} (${Status})\n' "$package"
binary="$(dpkg -L "$package" | grep -E '^/usr/bin/' | head -n1)"
[ -x "$binary" ] || die "the package installs no program in /usr/bin"
echo "deb: program $binary; desktop file $(dpkg -L "$package" | grep -E '\.desktop$' | head -n1)"

Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || die "Xvfb did not start"
export DISPLAY=":$(head -n1 "$work/display")" WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1
# Inside a private Secret Service, on an empty temporary journal folder: the first-run
# screen. Launched as a person would: the program on PATH, no arguments but the folder.
# The inner shell records the app's own pid, so only that process is stopped later.
scripts/with-secret-service.sh bash -c 'echo $$ >"$4"; exec "$1" --data-dir "$2" >"$3" 2>&1' bash \
    "$binary" "$work/journal" "$work/app.log" "$work/app.pid" </dev/null &
wrapper_pid=$!
for _ in $(seq 100); do [ -s "$work/app.pid" ] && break; sleep 0.1; done
app_pid="$(cat "$work/app.pid" 2>/dev/null || true)"
status=0
win="$(timeout 30 xdotool search --sync --onlyvisible --limit 1 --name '^Asymptote$' 2>/dev/null || true)"
sleep "${DEB_SETTLE:-6}"
if [ -n "$win" ]; then echo "ok: the installed app shows its window"; else echo "FAIL: no window titled Asymptote"; status=1; fi
if [ -n "$app_pid" ] && kill -0 "$app_pid" 2>/dev/null; then
    echo "ok: the installed app is still running after ${DEB_SETTLE:-6}s"
else
    echo "FAIL: the installed app exited:"; cat "$work/app.log"; status=1
fi
import -window root "$out/deb-window.png"
colours="$(identify -format '%k' "$out/deb-window.png")"
if [ "$colours" -gt 16 ]; then echo "ok: the screen shows something ($colours colours): $out/deb-window.png"; else echo "FAIL: blank screen"; status=1; fi
[ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
wait "$wrapper_pid" 2>/dev/null || true
app_pid=""
cp "$work/app.log" "$out/deb-app.log"
echo "deb: $((SECONDS - started))s"
exit "$status"
