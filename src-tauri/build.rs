//! Tauri's build step: reads tauri.conf.json and capabilities/, and declares our one app command
//! `call` so that it sits under the ACL (it is callable only where a capability grants
//! `allow-call`).

use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The UI is embedded (the `custom-protocol` feature): without ui/dist there is nothing to
    // embed, and Tauri's own message does not say how to make it.
    println!("cargo:rerun-if-changed=../ui/dist");
    if !Path::new("../ui/dist/index.html").exists() {
        return Err("ui/dist/index.html is missing: build the UI first \
                    (cd ui && npm ci && npm run build), then build flagdeck-desktop"
            .into());
    }
    let manifest = tauri_build::AppManifest::new().commands(&["call"]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))?;
    Ok(())
}
