#!/usr/bin/env bash
# Launch the app: installs what the build needs if missing, builds the UI and the app
# (release), and opens the window. Arguments go to the app, e.g. --data-dir DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh

header "System packages"
ensure_packages "${BUILD_PACKAGES[@]}"

header "Toolchains"
ensure_toolchains

header "UI dependencies"
ui_deps

header "Build the UI"
build_ui

header "Build and launch Asymptote"
exec cargo run --release -p asymptote -- "$@"
