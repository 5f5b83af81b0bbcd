//! Embeds the built UI when there is one: `ui/dist/index.html` at build time sets the cfg
//! `flagdeck_ui`, and `flagdeck serve` then serves `ui/dist` from the binary. Without it the
//! binary still builds, and `/` says how to build the UI.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(flagdeck_ui)");
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui");
    let dist = ui.join("dist");
    if dist.join("index.html").is_file() {
        println!("cargo::rustc-cfg=flagdeck_ui");
        // A directory is watched recursively: any rebuilt asset re-embeds the UI.
        println!("cargo::rerun-if-changed={}", dist.display());
    } else if ui.is_dir() {
        // Building the UI creates ui/dist inside it, which changes the tree's newest file.
        println!("cargo::rerun-if-changed={}", ui.display());
    } else {
        println!("cargo::rerun-if-changed=build.rs");
    }
}
