# Shared by scripts/run.sh and scripts/test.sh: headers, system packages, toolchains.
# Sourced, not run. Every step is safe to run again: it installs only what is missing.

# The packages that build the app (Tauri v2 on WebKitGTK 4.1).
BUILD_PACKAGES=(libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev librsvg2-dev file curl)

# What the tests add: a real Secret Service, a headless X server and a screenshot tool,
# and the tools exports must interoperate with.
TEST_PACKAGES=(gnome-keyring dbus dbus-x11 libsecret-tools xvfb xauth xdotool imagemagick age minisign librsvg2-bin libxml2-utils poppler-utils)
# What the end-to-end tests add: the WebDriver server for WebKitGTK (scripts/e2e.sh).
E2E_PACKAGES=(webkit2gtk-driver)

# Vite 8 needs Node 20.19 or later.
MIN_NODE_MAJOR=20
MIN_NODE_MINOR=19

header() {
    printf '\n\033[1m==> %s\033[0m\n' "$*"
}

die() {
    printf '\033[31merror:\033[0m %s\n' "$*" >&2
    exit 1
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "installing system packages needs root, and sudo is not installed: run as root or install sudo"
    fi
}

# ensure_packages PKG...: apt-get installs the ones that are not installed yet.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        echo "system packages: all ${#@} present"
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install these yourself: ${missing[*]}"
    echo "system packages: installing ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
}

# ensure_toolchains [fmt-and-clippy]: Rust (via rustup) and Node are not Debian packages of a
# recent enough version, so they are checked, not installed.
ensure_toolchains() {
    command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust with rustup (stable, 1.90 or later)"
    cargo --version
    if [ "${1:-}" = "fmt-and-clippy" ]; then
        cargo fmt --version >/dev/null 2>&1 || die "rustfmt missing: rustup component add rustfmt"
        cargo clippy --version >/dev/null 2>&1 || die "clippy missing: rustup component add clippy"
    fi
    command -v node >/dev/null 2>&1 || die "node not found: install Node.js ${MIN_NODE_MAJOR}.${MIN_NODE_MINOR} or later"
    command -v npm >/dev/null 2>&1 || die "npm not found: install npm with Node.js"
    local version major minor
    version="$(node --version)"
    major="${version#v}"
    major="${major%%.*}"
    minor="$(echo "$version" | cut -d. -f2)"
    if [ "$major" -lt "$MIN_NODE_MAJOR" ] || { [ "$major" -eq "$MIN_NODE_MAJOR" ] && [ "$minor" -lt "$MIN_NODE_MINOR" ]; }; then
        die "node $version is too old for the UI build (Vite 8): install ${MIN_NODE_MAJOR}.${MIN_NODE_MINOR} or later"
    fi
    echo "node $version, npm $(npm --version 2>/dev/null)"
}

# ui_deps [always]: npm ci in ui/ when node_modules is missing or older than the lockfile.
ui_deps() {
    if [ "${1:-}" = "always" ] || [ ! -f ui/node_modules/.package-lock.json ] \
        || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
        (cd ui && npm ci --no-audit --no-fund)
    else
        echo "ui/node_modules is up to date"
    fi
}

build_ui() {
    (cd ui && npm run --silent build)
}
