# The Tauri CLI (npm package @tauri-apps/cli, a prebuilt binary), pinned here and installed
# into .tools/tauri-cli/ on first use. Sourced by scripts/package-deb.sh and
# scripts/bench-startup.sh. Not in a committed lockfile: npm records only the platform builds
# its registry holds, and a lockfile made where only the Linux ones exist breaks `npm ci`
# elsewhere. .github/workflows/bundles.yml pins the same version.
TAURI_CLI_VERSION=2.12.5
TAURI_CLI=.tools/tauri-cli/node_modules/.bin/tauri

ensure_tauri_cli() {
    if [ "$("$TAURI_CLI" --version 2>/dev/null)" != "tauri-cli $TAURI_CLI_VERSION" ]; then
        mkdir -p .tools/tauri-cli
        npm install --prefix .tools/tauri-cli --no-audit --no-fund "@tauri-apps/cli@$TAURI_CLI_VERSION" </dev/null
    fi
    "$TAURI_CLI" --version
}

# tauri_build ARGS...: the release build from the top of the repository. Left alone, the CLI
# walks the tree for a package.json and may take tests/e2e/ for the front end, so both paths
# are given; the UI is built beforehand the way the other scripts build it (npm ci only when
# its lockfile moved), so the config's unconditional `npm ci` (beforeBuildCommand) is off.
tauri_build() {
    ui_deps
    build_ui
    TAURI_APP_PATH="$PWD" TAURI_FRONTEND_PATH="$PWD" CI=true \
        "$TAURI_CLI" build --ci --config '{"build":{"beforeBuildCommand":null}}' "$@" </dev/null
}

# tauri_bundle ARGS...: only the bundling step, on an app already built (tauri-cli 2's
# `tauri bundle`): no compilation. The UI is already inside the binary.
tauri_bundle() {
    TAURI_APP_PATH="$PWD" TAURI_FRONTEND_PATH="$PWD" CI=true \
        "$TAURI_CLI" bundle --ci --config '{"build":{"beforeBuildCommand":null,"beforeBundleCommand":null}}' "$@" </dev/null
}
