//! Watching a project folder the user already has (DESIGN §7, issue 3): an edit made in a text
//! editor reaches the app as one batch of changed project paths, a fraction of a second after the
//! editor is done saving.
//!
//! Two stages, each with one job:
//! 1. `notify` + `notify-debouncer-full` turn the OS's raw events (inotify, FSEvents,
//!    ReadDirectoryChanges) into events with a kind and paths. Why `-full` and not `-mini`: mini
//!    reduces every event to a bare path, so a mere read (inotify reports the open) would look
//!    like a change and the app re-reading a file after a batch would wake itself up forever; and
//!    mini drops path-less events, which is how notify says "the OS dropped events, rescan". Full
//!    keeps the kind, the rescan flag and the errors, stitches a rename's two halves, and on
//!    macOS and Windows tracks file ids so renames are reported as renames.
//! 2. A small batcher: full emits each event once it is old enough, so one burst of
//!    writes leaves it spread over several ticks. The batcher keeps only project paths and sends
//!    them as one batch once the folder has been quiet for a moment (or, under writes that never
//!    stop, after at most a few debounce periods, so the app is never left behind for long).

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{ErrorKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::repo::is_format_path;

/// How long the folder must stay quiet before a batch is sent: long enough to cover an editor's
/// whole save (temp file, rename, metadata), short enough that an edit shows well within a second.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(200);

/// Below this, the debouncer's tick would spin; shorter requests are raised to it.
const MIN_DEBOUNCE: Duration = Duration::from_millis(20);

/// Under writes that never stop, a batch still goes out after this many debounce periods.
const MAX_DELAY_FACTOR: u32 = 4;

/// The folders of the format whose own creation, removal or renaming changes which project
/// files exist (`dist/` is build output, never reported).
const FORMAT_DIRS: [&str; 3] = ["flags", "segments", "personas"];

/// One debounced batch of changes. Never empty: it has at least one path, or `rescan`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WatchBatch {
    /// Changed (created, modified, removed, renamed from or to) project paths, relative to the
    /// root, '/'-separated, sorted, without duplicates. Only paths [`is_format_path`] accepts,
    /// never under `dist/` or `.git/`, so editors' temporary and backup files never appear.
    pub paths: Vec<String>,
    /// Events were lost (the OS queue overflowed, a watch failed, or a whole `flags/`,
    /// `segments/` or `personas/` folder went away): re-read every project file instead of
    /// trusting `paths`.
    pub rescan: bool,
}

/// Why a folder cannot be watched, as a sentence naming the folder.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The folder does not exist, cannot be read, or is a file.
    #[error("The folder {path} cannot be watched: {detail}.")]
    NotAFolder { path: String, detail: String },

    /// The OS limit on watches is used up (inotify's `max_user_watches` on Linux).
    #[error(
        "The folder {path} cannot be watched for changes: the system's limit on watched folders is reached; close other programs that watch folders or raise the limit (fs.inotify.max_user_watches on Linux)."
    )]
    TooManyFolders { path: String },

    /// Any other failure of the OS's file watching.
    #[error("The folder {path} cannot be watched for changes ({detail}).")]
    Watch { path: String, detail: String },
}

/// A running watch of one project folder. Dropping it stops watching: once `drop` returns,
/// `on_change` is never called again (and has been dropped), unless it is dropped from inside
/// `on_change` itself, in which case that call is the last one.
pub struct FolderWatcher {
    root: PathBuf,
    debouncer: Option<Debouncer<RecommendedWatcher, RecommendedCache>>,
    to_batcher: Sender<Message>,
    batcher: Option<JoinHandle<()>>,
}

impl FolderWatcher {
    /// Watches `root` recursively; calls `on_change` (from the watcher's own thread) with each
    /// debounced batch of changed project paths, relative to `root`. `debounce` is how long the
    /// folder must stay quiet before a batch goes out ([`DEFAULT_DEBOUNCE`] suits editors).
    /// Changes made after this returns are all seen.
    pub fn start(
        root: &Path,
        debounce: Duration,
        on_change: impl FnMut(WatchBatch) + Send + 'static,
    ) -> Result<FolderWatcher, WatchError> {
        let shown = root.display().to_string();
        let root = root
            .canonicalize()
            .map_err(|error| WatchError::NotAFolder {
                path: shown.clone(),
                detail: error.to_string(),
            })?;
        if !root.is_dir() {
            return Err(WatchError::NotAFolder {
                path: shown,
                detail: "it is a file, not a folder".to_owned(),
            });
        }

        // Half the quiet time goes to full's own debouncing, half to the batcher's quiet window.
        let debounce = debounce.max(MIN_DEBOUNCE);
        let stage = debounce / 2;
        let (to_batcher, from_debouncer) = mpsc::channel();
        let forward = to_batcher.clone();
        let mut debouncer = new_debouncer(stage, Some(stage / 4), move |result| {
            // Fails only once the batcher has stopped, when nobody wants the events any more.
            let _ = forward.send(Message::Events(result));
        })
        .map_err(|error| watch_error(&shown, &error))?;
        debouncer
            .watch(&root, RecursiveMode::Recursive)
            .map_err(|error| watch_error(&shown, &error))?;

        let batcher = Batcher {
            root: root.clone(),
            quiet: stage,
            max_delay: debounce * MAX_DELAY_FACTOR,
            events: from_debouncer,
            on_change,
        };
        let handle = thread::Builder::new()
            .name("flagdeck folder watcher".to_owned())
            .spawn(move || batcher.run())
            .map_err(|error| WatchError::Watch {
                path: shown,
                detail: error.to_string(),
            })?;
        Ok(FolderWatcher {
            root,
            debouncer: Some(debouncer),
            to_batcher,
            batcher: Some(handle),
        })
    }

    /// The watched folder, canonicalized (event paths are relative to it).
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl fmt::Debug for FolderWatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FolderWatcher")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl Drop for FolderWatcher {
    fn drop(&mut self) {
        // Stops the OS watch; full's loop ends on its next tick.
        drop(self.debouncer.take());
        // Queued after any pending events, so the batcher stops without sending what it holds.
        let _ = self.to_batcher.send(Message::Stop);
        if let Some(handle) = self.batcher.take() {
            // From inside `on_change`, joining would wait for ourselves; that call is the last.
            if handle.thread().id() != thread::current().id() {
                let _ = handle.join();
            }
        }
    }
}

enum Message {
    Events(DebounceEventResult),
    Stop,
}

/// Gathers project paths from full's events until the folder is quiet, then calls `on_change`.
struct Batcher<F> {
    root: PathBuf,
    quiet: Duration,
    max_delay: Duration,
    events: Receiver<Message>,
    on_change: F,
}

impl<F: FnMut(WatchBatch)> Batcher<F> {
    fn run(mut self) {
        let mut pending = Pending::default();
        loop {
            let received = match pending.deadline(self.quiet, self.max_delay) {
                None => self
                    .events
                    .recv()
                    .map_err(|_| RecvTimeoutError::Disconnected),
                Some(deadline) => self
                    .events
                    .recv_timeout(deadline.saturating_duration_since(Instant::now())),
            };
            match received {
                Ok(Message::Events(result)) => pending.add(&self.root, result),
                Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(batch) = std::mem::take(&mut pending).into_batch(&self.root) {
                        (self.on_change)(batch);
                    }
                }
            }
        }
    }
}

/// What has changed since the last batch, and since when.
#[derive(Default)]
struct Pending {
    files: BTreeSet<String>,
    /// `flags`, `segments` or `personas` themselves appeared, went or were renamed: listed when
    /// sending, since files created in a new folder before its watch was added make no event.
    dirs: BTreeSet<String>,
    rescan: bool,
    first: Option<Instant>,
    last: Option<Instant>,
}

impl Pending {
    /// When to send: after `quiet` without a relevant event, or `max_delay` after the first.
    fn deadline(&self, quiet: Duration, max_delay: Duration) -> Option<Instant> {
        let (first, last) = (self.first?, self.last?);
        Some((last + quiet).min(first + max_delay))
    }

    fn add(&mut self, root: &Path, result: DebounceEventResult) {
        let mut relevant = false;
        match result {
            Ok(events) => {
                for event in events {
                    if event.need_rescan() {
                        self.rescan = true;
                        relevant = true;
                        continue;
                    }
                    for path in &event.paths {
                        relevant |= self.add_path(root, path, &event.kind);
                    }
                }
            }
            // A watch that failed mid-run (a new folder past the OS limit, a read error): some
            // changes may be missing, so the app re-reads everything.
            Err(_) => {
                self.rescan = true;
                relevant = true;
            }
        }
        if relevant {
            let now = Instant::now();
            self.first.get_or_insert(now);
            self.last = Some(now);
        }
    }

    /// Records `path` if it matters; whether it did.
    fn add_path(&mut self, root: &Path, path: &Path, kind: &EventKind) -> bool {
        let Some(relative) = relative_path(root, path) else {
            return false;
        };
        if relative.is_empty() {
            // The root itself was removed or renamed away.
            let gone = is_structural(kind);
            self.rescan |= gone;
            return gone;
        }
        if FORMAT_DIRS.contains(&relative.as_str()) {
            if !is_structural(kind) {
                return false;
            }
            self.dirs.insert(relative);
            return true;
        }
        if is_watched_file(&relative) && is_change(kind) {
            self.files.insert(relative);
            return true;
        }
        false
    }

    /// The batch to send, if anything changed.
    fn into_batch(mut self, root: &Path) -> Option<WatchBatch> {
        for dir in std::mem::take(&mut self.dirs) {
            match fs::read_dir(root.join(&dir)) {
                Ok(entries) => {
                    for entry in entries.flatten() {
                        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                            continue;
                        };
                        let relative = format!("{dir}/{name}");
                        if is_watched_file(&relative) {
                            self.files.insert(relative);
                        }
                    }
                }
                // Gone (or unreadable): which files it held is unknown here.
                Err(_) => self.rescan = true,
            }
        }
        if self.files.is_empty() && !self.rescan {
            return None;
        }
        Some(WatchBatch {
            paths: self.files.into_iter().collect(),
            rescan: self.rescan,
        })
    }
}

/// A project file the watcher reports: the format's paths except the build output in `dist/`.
fn is_watched_file(relative: &str) -> bool {
    is_format_path(relative) && !relative.starts_with("dist/")
}

/// Whether an event of this kind can change a file's content or existence. Reads are not
/// changes: the app reading a file after a batch must not cause another batch.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Any | EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
    }
}

/// Whether an event of this kind can make a folder appear or disappear.
fn is_structural(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Any
            | EventKind::Create(_)
            | EventKind::Remove(_)
            | EventKind::Modify(ModifyKind::Name(_) | ModifyKind::Any)
    )
}

/// `path` relative to `root`, '/'-separated; `None` outside the root or when not UTF-8 (no
/// project path is either).
fn relative_path(root: &Path, path: &Path) -> Option<String> {
    let rest = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for component in rest.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

fn watch_error(shown: &str, error: &notify::Error) -> WatchError {
    let path = shown.to_owned();
    match &error.kind {
        ErrorKind::MaxFilesWatch => WatchError::TooManyFolders { path },
        ErrorKind::PathNotFound => WatchError::NotAFolder {
            path,
            detail: "it does not exist".to_owned(),
        },
        ErrorKind::Io(io) => WatchError::Watch {
            path,
            detail: io.to_string(),
        },
        ErrorKind::Generic(detail) => WatchError::Watch {
            path,
            detail: detail.clone(),
        },
        _ => WatchError::Watch {
            path,
            detail: error.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watched_files_are_the_format_minus_dist_and_editor_files() {
        for path in ["flagdeck.json", "flags/a.json", "segments/beta.json"] {
            assert!(is_watched_file(path), "{path}");
        }
        for path in [
            "dist/dev.flagd.json",
            ".git/index",
            ".git/flags/a.json",
            "flags/.a.json.swp",
            "flags/a.json~",
            "flags/4913",
            "flags/.#a.json",
            "flags/a.json.tmp",
            "flags/sub/a.json",
            "notes.txt",
        ] {
            assert!(!is_watched_file(path), "{path}");
        }
    }

    #[test]
    fn reads_are_not_changes() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            notify::event::DataChange::Any
        ))));
    }

    #[test]
    fn relative_paths_are_slash_separated_and_inside_the_root() {
        let root = Path::new("/r");
        assert_eq!(
            relative_path(root, Path::new("/r/flags/a.json")).as_deref(),
            Some("flags/a.json")
        );
        assert_eq!(relative_path(root, Path::new("/r")).as_deref(), Some(""));
        assert_eq!(relative_path(root, Path::new("/other/a.json")), None);
    }

    #[test]
    fn a_batch_of_nothing_is_never_sent() {
        assert_eq!(Pending::default().into_batch(Path::new("/r")), None);
        assert_eq!(
            Pending::default().deadline(DEFAULT_DEBOUNCE, DEFAULT_DEBOUNCE),
            None
        );
    }
}
