#!/usr/bin/env bash
# Builds the Debian package with the Tauri bundler (release build of the app), inspects it
# (dpkg-deb --info/--contents, lintian: errors are fatal, warnings reported), and with --check
# installs it with dpkg -i (apt-get -f install for its dependencies), runs the installed
# /usr/bin/asym, reads the manual pages, launches the installed /usr/bin/asymptote under a
# private Xvfb on a temporary journal folder, checks that it stays up and shows its window,
# takes a screenshot (test-output/deb-window.png), and removes the package again.
#
#   scripts/package-deb.sh            build and inspect: $CARGO_TARGET_DIR/release/bundle/deb/*.deb
#   scripts/package-deb.sh --check    …then install, check, launch, remove (root or sudo)
#   scripts/package-deb.sh --check-only   lintian, install/check/launch/remove the .deb already built
#   scripts/package-deb.sh --debug [--check]   package the debug build already made instead of
#       building a release: stripped copies of target/debug/asym and target/debug/asymptote,
#       bundled with `tauri bundle --debug`. scripts/test.sh uses this, so CI compiles the
#       dependency tree once (a release build of it costs ~25 minutes on two cores); the
#       package's layout, metadata, lintian, install, manual pages and launch are the same.
#       The .deb goes to $CARGO_TARGET_DIR/deb-debug/debug/bundle/deb/.
#
# Besides the app, the package holds what the bundler does not make: the `asym` command
# line (release, stripped), the manual pages asymptote.1 (packaging/debian/, by hand) and
# asym.1 with one page per subcommand (generated from clap by src-tauri/cli/examples/
# mangen.rs), the changelog (packaging/debian/changelog, gzip -9n) and the DEP-5 copyright
# file; the desktop entry comes from packaging/debian/asymptote.desktop.hbs. They are staged in packaging/stage/ (git-ignored; wherever CARGO_TARGET_DIR points),
# which tauri.conf.json's bundle.linux.deb.files maps into the package.
#
# The Tauri CLI is the npm package @tauri-apps/cli, pinned in scripts/lib/tauri-cli.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
# shellcheck source=scripts/lib/tauri-cli.sh
source scripts/lib/tauri-cli.sh
started=$SECONDS
mode=build profile=release
for arg in "$@"; do
    case "$arg" in
        --check | --check-only) mode="$arg" ;;
        --debug) profile=debug ;;
        *) die "usage: $0 [--debug] [--check | --check-only]" ;;
    esac
done
out=test-output
target_dir="${CARGO_TARGET_DIR:-target}"
# Where the bundler looks for the app and writes the .deb: the real target folder for a
# release; for --debug a folder holding only a stripped copy of the debug app, so the
# build's own binary is left as it is.
if [ "$profile" = debug ]; then
    bundle_target="$target_dir/deb-debug"
else
    bundle_target="$target_dir"
fi
# What the bundler's files map (tauri.conf.json) takes; repo-relative whatever the target dir.
stage=packaging/stage
mkdir -p "$out"

if [ "$mode" != --check-only ]; then
    header "deb: system packages"
    ensure_packages "${BUILD_PACKAGES[@]}" lintian
    ensure_toolchains

    header "deb: the Tauri CLI"
    ensure_tauri_cli

    header "deb: asym, manual pages, changelog ($profile) into $stage/"
    t=$SECONDS
    version="$(node -p 'require("./tauri.conf.json").version')"
    changelog_version="$(sed -n '1s/^asymptote (\([^)]*\)).*/\1/p' packaging/debian/changelog)"
    [ "$changelog_version" = "$version" ] \
        || die "packaging/debian/changelog starts with version '$changelog_version', the package is $version: add an entry at the top"
    if [ "$profile" = release ]; then
        cargo build --release --locked -p asym
    else
        [ -x "$target_dir/debug/asym" ] && [ -x "$target_dir/debug/asymptote" ] \
            || die "--debug packages the debug build: run cargo build --workspace --all-targets first"
    fi
    rm -rf "$stage"
    mkdir -p "$stage/man1"
    # -s strips (the release profile strips already; the debug build does not).
    install -s -m 0755 "$target_dir/$profile/asym" "$stage/asym"
    case "$(file -b "$stage/asym")" in
        *", stripped"*) ;;
        *) die "$stage/asym is not stripped" ;;
    esac
    # The pages carry the date of the changelog's latest entry: the same bytes on every build.
    date="$(date -u -d "$(dpkg-parsechangelog -l packaging/debian/changelog -S Date)" +%Y-%m-%d)"
    if [ "$profile" = release ]; then
        cargo run --release --locked -q -p asym --example mangen -- "$stage/man1" "$date"
    else
        cargo run --locked -q -p asym --example mangen -- "$stage/man1" "$date"
    fi
    sed -e "s/@VERSION@/$version/g" -e "s/@DATE@/$date/g" packaging/debian/asymptote.1 >"$stage/man1/asymptote.1"
    chmod 0644 "$stage"/man1/*.1
    gzip -9n "$stage"/man1/*.1
    gzip -9n -c packaging/debian/changelog >"$stage/changelog.gz"
    echo "deb: staged asym, $(ls "$stage/man1" | wc -l) manual pages and the changelog in $((SECONDS - t))s"

    t=$SECONDS
    rm -rf "$bundle_target/$profile/bundle/deb"
    if [ "$profile" = release ]; then
        header "deb: tauri build --bundles deb (release)"
        tauri_build --bundles deb
    else
        header "deb: tauri bundle --debug --bundles deb (the debug build, stripped)"
        mkdir -p "$bundle_target/debug"
        strip -o "$bundle_target/debug/asymptote" "$target_dir/debug/asymptote"
        CARGO_TARGET_DIR="$bundle_target" tauri_bundle --debug --bundles deb
    fi
    echo "deb: built in $((SECONDS - t))s"
fi

deb="$(ls -t "$bundle_target/$profile"/bundle/deb/*.deb 2>/dev/null | head -n1 || true)"
[ -n "$deb" ] || die "no .deb in $bundle_target/$profile/bundle/deb/"
echo "deb: $deb ($(du -h "$deb" | cut -f1))"

if [ "$mode" != --check-only ]; then
    header "deb: dpkg-deb --info"
    dpkg-deb --info "$deb"
    header "deb: dpkg-deb --contents"
    dpkg-deb --contents "$deb"
fi

header "deb: lintian"
ensure_packages lintian
# Errors fail the script; warnings (and info tags, not shown) are reported.
lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v '^running with root privileges' | tee "$out/deb-lintian.txt" || true
lintian_errors="$(grep -c '^E:' "$out/deb-lintian.txt" || true)"
echo "lintian: $lintian_errors errors, $(grep -c '^W:' "$out/deb-lintian.txt" || true) warnings ($out/deb-lintian.txt)"
[ "$lintian_errors" -eq 0 ] || die "lintian found errors in $deb"

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
binary=/usr/bin/asymptote
[ -x "$binary" ] || die "the package installs no $binary"
echo "deb: desktop file $(dpkg -L "$package" | grep -E '\.desktop$' | head -n1)"

status=0
# The command line, as a script would call it: on PATH, from the package.
version="$(dpkg-deb --field "$deb" Version)"
if [ "$(command -v asym)" = /usr/bin/asym ] && [ "$(asym --version)" = "asym $version" ]; then
    echo "ok: /usr/bin/asym --version says asym $version"
else
    echo "FAIL: /usr/bin/asym --version: $(asym --version 2>&1 || true)"; status=1
fi
if asym --help >"$work/asym-help.txt" 2>&1 && grep -q '^Usage: asym' "$work/asym-help.txt"; then
    echo "ok: asym --help"
else
    echo "FAIL: asym --help:"; cat "$work/asym-help.txt"; status=1
fi
# The manual pages: installed where man looks, and read by man without a warning.
for page in asymptote asym asym-share-export; do
    path="$(man -w "$page" 2>/dev/null || true)"
    if [ "$path" != "/usr/share/man/man1/$page.1.gz" ]; then
        echo "FAIL: man -w $page finds '${path}', not /usr/share/man/man1/$page.1.gz"; status=1; continue
    fi
    warnings="$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$path" 2>&1 >/dev/null || true)"
    name="$(MANWIDTH=80 man -l "$path" 2>/dev/null | sed -n '/^NAME/{n;s/^ *//;p;}' || true)"
    if [ -z "$warnings" ] && [ -n "$name" ]; then
        echo "ok: man $page: $name"
    else
        echo "FAIL: man $page: ${warnings:-no NAME section}"; status=1
    fi
done
doc=/usr/share/doc/$package
if zcat "$doc/changelog.gz" | head -n1 | grep -q "^$package ($version)" && grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$doc/copyright"; then
    echo "ok: $doc/changelog.gz ($package $version) and copyright (DEP-5)"
else
    echo "FAIL: $doc/changelog.gz or copyright"; status=1
fi

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
