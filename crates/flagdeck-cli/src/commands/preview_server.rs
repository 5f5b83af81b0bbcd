//! `flagdeck preview-server [DIR] [--port N] [--pin FLAG=VARIATION]...`: the app's OFREP
//! preview server without the app. It serves a project folder as its files are now (uncommitted
//! edits included), at the system clock's now, until Ctrl-C or SIGTERM. The files are read
//! again when one of them changed (size or modification time), so an edit shows on the next
//! request.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use flagdeck_app::{Clock, project_dir};
use flagdeck_core::sync_plan::Snapshot;
use flagdeck_ofrep::{FlagSource, Pins, PreviewServer, Served};

use crate::error::{CliError, CliResult};
use crate::output::project_root;

pub struct PreviewOptions {
    pub dir: Option<PathBuf>,
    pub port: u16,
    pub pins: Vec<String>,
}

pub fn run(options: PreviewOptions) -> CliResult {
    let root = project_root(options.dir);
    if !root.join("flagdeck.json").is_file() {
        return Err(CliError::Usage(format!(
            "{} has no flagdeck.json, so it is not a Flagdeck project.",
            root.display()
        )));
    }
    let pins = Pins::default();
    for pin in &options.pins {
        let Some((flag, variation)) = pin.split_once('=') else {
            return Err(CliError::Usage(format!(
                "--pin {pin}: write it as FLAG=VARIATION, e.g. --pin banner-color=green."
            )));
        };
        pins.set(flag, Some(variation));
    }
    let source = Arc::new(FolderSource {
        root: root.clone(),
        cache: Mutex::new(None),
    });
    let port = (options.port != 0).then_some(options.port);
    let server = PreviewServer::start(source, pins, port)
        .map_err(|e| CliError::Io(format!("The preview server could not start: {e}.")))?;
    println!("{}", server.url());
    eprintln!(
        "Serving OFREP for {} at {} (first environment; /env/<key>/ for another). Ctrl-C stops it.",
        root.display(),
        server.url()
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Io(format!("Could not wait for Ctrl-C: {e}.")))?;
    runtime.block_on(crate::serve::stop_signal());
    server.stop();
    Ok(ExitCode::SUCCESS)
}

/// Size and modification time of every project file: equal fingerprints, same content.
type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

struct FolderSource {
    root: PathBuf,
    cache: Mutex<Option<(Fingerprint, Arc<Served>)>>,
}

impl FlagSource for FolderSource {
    fn served(&self) -> Result<Arc<Served>, String> {
        let fingerprint = fingerprint(&self.root);
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((seen, served)) = cache.as_ref()
            && *seen == fingerprint
        {
            return Ok(Arc::clone(served));
        }
        let (files, read_problems) = project_dir::read(&self.root).map_err(|e| e.message)?;
        let (snapshot, decode_problems) = Snapshot::from_files(&files);
        let served = Arc::new(
            Served::from_snapshot(&snapshot)
                .with_read_problems(&read_problems)
                .with_read_problems(&decode_problems),
        );
        *cache = Some((fingerprint, Arc::clone(&served)));
        Ok(served)
    }

    fn now(&self) -> i64 {
        flagdeck_app::SystemClock.now()
    }
}

fn fingerprint(root: &Path) -> Fingerprint {
    let mut entries = Vec::new();
    let mut add = |path: PathBuf| {
        if let Ok(meta) = std::fs::metadata(&path) {
            entries.push((path, meta.len(), meta.modified().ok()));
        }
    };
    add(root.join("flagdeck.json"));
    for folder in ["flags", "segments"] {
        let dir = root.join(folder);
        add(dir.clone());
        if let Ok(read) = std::fs::read_dir(&dir) {
            for entry in read.flatten() {
                add(entry.path());
            }
        }
    }
    entries.sort();
    entries
}
