#!/usr/bin/env bash
# Runs a command inside a private, real Secret Service (gnome-keyring on its own D-Bus
# session) with a fresh temporary HOME, so tests exercise the OS keyring for real and
# never read or write the keyring of the person running them.
#
#   scripts/with-secret-service.sh cargo test --workspace
set -euo pipefail
[ "$#" -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }

# Toolchains live under the real HOME: pin them before HOME moves.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"

scratch="$(mktemp -d "${TMPDIR:-/tmp}/asymptote-home.XXXXXX")"
cleanup() {
    # WebKitGTK may start xdg-document-portal, which mounts a FUSE folder in the runtime
    # dir and outlives the session for a moment: unmount it before removing the scratch.
    if [ -d "$scratch/runtime/doc" ]; then
        fusermount -u "$scratch/runtime/doc" 2>/dev/null || umount -l "$scratch/runtime/doc" 2>/dev/null || true
    fi
    rm -rf "$scratch" 2>/dev/null || echo "note: could not remove all of $scratch" >&2
}
trap cleanup EXIT
mkdir -p "$scratch/home" "$scratch/data" "$scratch/config" "$scratch/cache" "$scratch/runtime"
chmod 700 "$scratch/runtime"
export HOME="$scratch/home"
export XDG_DATA_HOME="$scratch/data"
export XDG_CONFIG_HOME="$scratch/config"
export XDG_CACHE_HOME="$scratch/cache"
export XDG_RUNTIME_DIR="$scratch/runtime"
unset ASYMPTOTE_DATA_DIR DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL

# The keyring daemon lives as long as the D-Bus session, which ends with the command.
status=0
dbus-run-session -- bash -c '
    set -euo pipefail
    eval "$(printf "pw\n" | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    "$@"
' bash "$@" || status=$?
exit "$status"
