#!/usr/bin/env bash
# Start-up and memory benchmark of the desktop app on a ten-year journal.
#
# 1. builds the release app as shipped (tauri build --no-bundle: the same binary the .deb
#    holds) and the journal seeder (src-tauri/core/examples/seed_journal.rs);
# 2. inside one private real Secret Service (the journal's key lives in its keyring) and a
#    private Xvfb: seeds 100,000 sessions + 20,000 other items, then launches the app RUNS
#    times, dropping the page cache before each launch when the kernel allows it, and reads
#    the app's own `asymptote: ready <N> ms` line (ms from process start to an interactive
#    Today screen);
# 3. after the last launch, waits IDLE seconds and sums the PSS of the app and all its
#    descendants (WebKitWebProcess, WebKitNetworkProcess, …) from /proc/PID/smaps_rollup.
#
#   scripts/bench-startup.sh [--no-build] [RUNS]     (RUNS defaults to 10; IDLE=10)
# Results: stdout and test-output/bench-startup.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
# shellcheck source=scripts/lib/tauri-cli.sh
source scripts/lib/tauri-cli.sh
target_dir="$(realpath -m "${CARGO_TARGET_DIR:-target}")"

if [ "${1:-}" != --inner ]; then
    build=yes
    [ "${1:-}" = --no-build ] && { build=no; shift; }
    runs="${1:-10}"
    started=$SECONDS
    if [ "$build" = yes ]; then
        header "bench: build the release app (tauri build --no-bundle) and the seeder"
        ensure_packages "${BUILD_PACKAGES[@]}" gnome-keyring dbus dbus-x11 xvfb xauth
        ensure_toolchains
        ensure_tauri_cli
        tauri_build --no-bundle
        cargo build --release --locked -p asymptote-core --example seed_journal </dev/null
    fi
    [ -x "$target_dir/release/asymptote" ] || die "$target_dir/release/asymptote is not built"
    [ -x "$target_dir/release/examples/seed_journal" ] || die "the seeder is not built"

    work="$(mktemp -d "${TMPDIR:-/tmp}/asymptote-bench.XXXXXX")"
    xvfb_pid=""
    cleanup() {
        [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
        wait 2>/dev/null || true
        rm -rf "$work"
    }
    trap cleanup EXIT
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>"$work/xvfb.log" &
    xvfb_pid=$!
    for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
    [ -s "$work/display" ] || die "Xvfb did not start"
    export DISPLAY=":$(head -n1 "$work/display")" WEBKIT_DISABLE_DMABUF_RENDERER=1 LIBGL_ALWAYS_SOFTWARE=1
    mkdir -p test-output
    scripts/with-secret-service.sh "$0" --inner "$runs" "$work" </dev/null 2>&1 | tee test-output/bench-startup.txt
    echo "bench: $((SECONDS - started))s in all"
    exit "${PIPESTATUS[0]}"
fi

# ---- inside the Secret Service ----------------------------------------------------------
runs="$2"
work="$3"
idle="${IDLE:-10}"
# READY_LINE lets a dry run on an older build time another line (e.g. "asymptote: journal unlocked").
ready_line="${READY_LINE:-asymptote: ready}"
app="$target_dir/release/asymptote"
journal="$work/ten-years"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "app: $app ($(du -h "$app" | cut -f1))"
t=$SECONDS
"$target_dir/release/examples/seed_journal" "$journal"
echo "journal: $(du -sh "$journal" | cut -f1) on disk, seeded in $((SECONDS - t))s"

drop_caches() {
    sync
    if echo 3 >/proc/sys/vm/drop_caches 2>/dev/null; then echo dropped; else echo "not allowed"; fi
}

# Every descendant of $1, and $1.
tree_pids() {
    local all=("$1") i=0 pid child
    while [ "$i" -lt "${#all[@]}" ]; do
        pid="${all[$i]}"
        for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do all+=("$child"); done
        i=$((i + 1))
    done
    echo "${all[@]}"
}

ready=()
outside=()
for run in $(seq "$runs"); do
    cache="$(drop_caches)"
    log="$work/run-$run.log"
    t0="$(date +%s%N)"
    bash -c 'echo $$ >"$1"; exec "$2" --data-dir "$3" 2>"$4"' bash "$work/pid" "$app" "$journal" "$log" &
    wrapper=$!
    until grep -q "$ready_line" "$log" 2>/dev/null; do
        if ! kill -0 "$wrapper" 2>/dev/null; then echo "FAIL: the app exited"; cat "$log"; exit 1; fi
        [ $(($(date +%s%N) - t0)) -gt 60000000000 ] && { echo "FAIL: no '$ready_line' line within 60 s:"; cat "$log"; exit 1; }
        sleep 0.02
    done
    seen=$((($(date +%s%N) - t0) / 1000000))
    # The app's own figure (from its process start); else what this script saw (launch to line).
    ms="$(grep -m1 -oE "$ready_line [0-9]+" "$log" | grep -oE '[0-9]+$' || true)"
    [ -n "$ms" ] || ms="$seen"
    ready+=("$ms")
    outside+=("$seen")
    echo "run $run: ready after $ms ms (seen by this script after $seen ms; page cache: $cache)"
    pid="$(cat "$work/pid")"
    if [ "$run" -eq "$runs" ]; then
        sleep "$idle"
        total=0
        for p in $(tree_pids "$pid"); do
            kb="$(awk '/^Pss:/ {print $2}' /proc/"$p"/smaps_rollup 2>/dev/null || echo 0)"
            [ -n "$kb" ] || kb=0
            printf '  pid %-7s %-22s PSS %6d KiB\n' "$p" "$(cat /proc/"$p"/comm 2>/dev/null)" "$kb"
            total=$((total + kb))
        done
        echo "memory at rest after ${idle}s idle: $((total / 1024)) MiB PSS in all the app's processes"
    fi
    kill "$pid" 2>/dev/null || true
    wait "$wrapper" 2>/dev/null || true
    sleep 1
done

# stats LIST...: "median M ms, min A ms, max B ms"
stats() {
    printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {
        m = (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)
        printf "median %d ms, min %d ms, max %d ms", m, a[1], a[NR] }'
}
echo "startup to interactive Today, the app's own clock (process start to the ready line): $(stats "${ready[@]}") over ${#ready[@]} runs (goal: < 1500 ms)"
echo "startup to interactive Today, seen from outside (launch to the line on stderr): $(stats "${outside[@]}")"
