//! Build script of the desktop shell: compiles `tauri.conf.json` (at the repo's top level,
//! which is this package's root) and the access-control list into the binary.
//!
//! Capabilities and the app's command permissions live beside the shell's sources under
//! `src-tauri/app/`, not at the repo's top level where tauri-build looks by default.

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/app/capabilities");
    println!("cargo:rerun-if-changed=src-tauri/app/permissions");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/app/capabilities/**/*")
        .app_manifest(
            tauri_build::AppManifest::new()
                .permissions_path_pattern("src-tauri/app/permissions/**/*"),
        );
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; say what broke first.
        panic!("tauri-build failed: {error:#}");
    }
}
