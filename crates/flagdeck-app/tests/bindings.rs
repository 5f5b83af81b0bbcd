//! The UI's TypeScript bindings (`ui/src/lib/bindings/`) are generated from the command surface
//! and committed. This test regenerates them into a temporary folder and fails when the committed
//! files differ, so a Rust change cannot silently break the UI's types. To update them:
//! `UPDATE_BINDINGS=1 cargo test -p flagdeck-app --test bindings`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn committed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings")
}

/// Every `.ts` file under `dir`, by its path relative to `dir`.
fn read_all(dir: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "ts") {
                let name = path.strip_prefix(dir).expect("under dir");
                let text = std::fs::read_to_string(&path).expect("a binding is readable");
                files.insert(name.to_string_lossy().replace('\\', "/"), text);
            }
        }
    }
    files
}

#[test]
fn committed_bindings_match_the_command_surface() {
    let fresh = tempfile::tempdir().expect("a temporary folder");
    flagdeck_app::api::export_bindings(fresh.path()).expect("the bindings export");
    let generated = read_all(fresh.path());
    assert!(
        generated.contains_key("Commands.ts") && generated.contains_key("Request.ts"),
        "the export must write the command map and the request union"
    );
    let dir = committed_dir();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("remove the old bindings");
        }
        std::fs::create_dir_all(&dir).expect("create the bindings folder");
        for (name, text) in &generated {
            let path = dir.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("create a bindings folder");
            }
            std::fs::write(path, text).expect("write a binding");
        }
        return;
    }
    let committed = read_all(&dir);
    let stale: Vec<&String> = generated
        .iter()
        .filter(|(name, text)| committed.get(*name) != Some(text))
        .map(|(name, _)| name)
        .chain(
            committed
                .keys()
                .filter(|name| !generated.contains_key(*name)),
        )
        .collect();
    assert!(
        stale.is_empty(),
        "ui/src/lib/bindings/ is out of date ({stale:?}); run \
         `UPDATE_BINDINGS=1 cargo test -p flagdeck-app --test bindings` and commit the result"
    );
}
