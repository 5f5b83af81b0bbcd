//! Reading a project folder from disk into the core's [`SourceFile`]s, and writing files
//! atomically. The core never does IO; this is the hosts' side of that boundary (the CLI and
//! the app's folder workspaces share it).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flagdeck_core::diag::{Code, Diagnostic};
use flagdeck_core::format::{self, MAX_FILE_BYTES, SourceFile};
use flagdeck_core::validate::{self, Checked, Parsed};

use crate::error::{AppError, ErrorCode};

/// The folders of a project that hold one entity per file (governance's included).
const ENTITY_DIRS: [&str; 5] = ["flags", "segments", "personas", "people", "changes"];

/// The project folder: the argument, or the current folder.
pub fn project_root(dir: Option<PathBuf>) -> PathBuf {
    dir.unwrap_or_else(|| PathBuf::from("."))
}

/// A file of the project: its path relative to the project folder, and on disk.
type Entry = (String, PathBuf);

/// The files of a project, in order, and warnings about names.
fn list(root: &Path) -> Result<(Vec<Entry>, Vec<Diagnostic>), AppError> {
    if !root.is_dir() {
        return Err(AppError::invalid(format!(
            "{} is not a folder.",
            root.display()
        )));
    }
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let project = root.join(validate::PROJECT_FILE);
    if project.exists() {
        files.push((validate::PROJECT_FILE.to_owned(), project));
    }
    let policy = root.join(flagdeck_core::governance::touched::POLICY_FILE);
    if policy.exists() {
        files.push((
            flagdeck_core::governance::touched::POLICY_FILE.to_owned(),
            policy,
        ));
    }
    for dir in ENTITY_DIRS {
        let Ok(entries) = fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut names: Vec<Entry> = Vec::new();
        for entry in entries.flatten() {
            match entry.file_name().into_string() {
                // Hidden files (.DS_Store, .gitkeep) are an editor's or a tool's business.
                Ok(name) if name.starts_with('.') => {}
                Ok(name) => names.push((format!("{dir}/{name}"), entry.path())),
                Err(raw) => diags.push(Diagnostic::warning(
                    Code::UnexpectedFile,
                    format!("{dir}/{}", raw.to_string_lossy()),
                    "",
                    "This file name is not valid UTF-8, so it cannot be a key; it is ignored.",
                )),
            }
        }
        names.sort();
        files.extend(names);
    }
    Ok((files, diags))
}

/// Reads `flagdeck.json` and every file of the entity folders. Files that cannot be read
/// (too large, a symbolic link, unreadable) become diagnostics instead of stopping the read.
pub fn read(root: &Path) -> Result<(Vec<SourceFile>, Vec<Diagnostic>), AppError> {
    let (paths, mut diags) = list(root)?;
    let mut files = Vec::with_capacity(paths.len());
    for (rel, full) in paths {
        match read_one(&full, rel) {
            Ok(Some(file)) => files.push(file),
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    Ok((files, diags))
}

/// One file's bytes; `None` for what is not read (a symbolic link is a warning, a folder is
/// handed on by name so that validation says it does not belong).
fn read_one(full: &Path, rel: String) -> Result<Option<SourceFile>, Diagnostic> {
    let unreadable = |e: std::io::Error| {
        Diagnostic::error(
            Code::Unreadable,
            &rel,
            "",
            format!("The file could not be read: {e}."),
        )
    };
    let meta = fs::symlink_metadata(full).map_err(unreadable)?;
    if meta.file_type().is_symlink() {
        return Err(Diagnostic::warning(
            Code::UnexpectedFile,
            rel,
            "",
            "This is a symbolic link; Flagdeck only reads regular files inside the project, so it is ignored.",
        ));
    }
    if meta.is_dir() {
        return Ok(Some(SourceFile::new(format!("{rel}/"), Vec::new())));
    }
    // Read at most one byte past the limit: a 50 MB file costs 5 MB, not 50.
    let mut bytes = Vec::with_capacity(
        usize::try_from(meta.len())
            .unwrap_or(0)
            .min(MAX_FILE_BYTES + 1),
    );
    fs::File::open(full)
        .and_then(|f| f.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(unreadable)?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format::too_large(&rel));
    }
    Ok(Some(SourceFile::new(rel, bytes)))
}

/// Reads and checks a project: every diagnostic, and the resolved project if there is no error.
///
/// Files are read and decoded on every core, each file's bytes dropped once decoded: a
/// 10,000-flag project is some 40 MB of JSON that never needs to be in memory at once.
pub fn check(root: &Path) -> Result<Checked, AppError> {
    let (paths, mut diags) = list(root)?;
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8);
    let results: Vec<Vec<(Parsed, Option<Diagnostic>)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let mine: Vec<&Entry> = paths.iter().skip(w).step_by(workers).collect();
                scope.spawn(move || {
                    mine.into_iter()
                        .map(|(rel, full)| match read_one(full, rel.clone()) {
                            Ok(Some(file)) => validate::parse_file(&file),
                            Ok(None) => (Parsed::Ignored, None),
                            Err(d) => (Parsed::Ignored, Some(d)),
                        })
                        .collect()
                })
            })
            .collect();
        // A worker only panics on a bug; its files are then reported as unread below.
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut parsed = Vec::with_capacity(paths.len());
    let mut read_failed = false;
    for (p, d) in results.into_iter().flatten() {
        if let Some(d) = d {
            read_failed |= d.is_error() && d.code == Code::Unreadable;
            diags.push(d);
        }
        parsed.push(p);
    }
    if parsed.len() < paths.len() && !read_failed {
        diags.push(Diagnostic::error(
            Code::Unreadable,
            "",
            "",
            "Some files could not be read because of an internal error.",
        ));
    }
    let mut checked = validate::check_parsed(parsed, diags);
    checked
        .diagnostics
        .extend(governance_diagnostics(root, &paths));
    Ok(checked)
}

/// The problems of `policy.json`, `people/` and `changes/`, checked like the rest of the project
/// (against each other and the project's environments).
fn governance_diagnostics(root: &Path, paths: &[Entry]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    for (rel, full) in paths {
        if !is_governance_path(rel) {
            continue;
        }
        match read_one(full, rel.clone()) {
            Ok(Some(file)) => files.push(file),
            Ok(None) => {}
            Err(d) => diagnostics.push(d),
        }
    }
    if files.is_empty() {
        return diagnostics;
    }
    let project = read_file(root, validate::PROJECT_FILE)
        .ok()
        .flatten()
        .and_then(|f| format::parse::<flagdeck_core::model::ProjectFile>(&f.path, &f.bytes).ok());
    let governance = flagdeck_core::governance::check_governance(&files, project.as_ref());
    diagnostics.extend(governance.diagnostics);
    diagnostics
}

fn is_governance_path(path: &str) -> bool {
    path == flagdeck_core::governance::touched::POLICY_FILE
        || path.starts_with("people/")
        || path.starts_with("changes/")
}

/// Writes a file through a temporary sibling and a rename, so that a reader (flagd watching
/// `dist/`, or a crash half-way) never sees half a file.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), AppError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| io_error("create the folder", dir, &e))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(temporary_name(&file_name, std::process::id()));
    let result = fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(contents)?;
            f.sync_all()
        })
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io_error("write", path, &e));
    }
    Ok(())
}

/// The temporary name [`write_atomic`] gives `file_name` while writing it.
fn temporary_name(file_name: &str, pid: u32) -> String {
    format!(".{file_name}.tmp-{pid}")
}

/// Removes the temporary files that a process killed inside [`write_atomic`] left in the
/// project's folders (`.<name>.tmp-<pid>`), when that process is gone; returns them. Only what
/// [`write_atomic`] names is touched, never a file that process renamed into place.
pub fn remove_stale_temporaries(root: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    for dir in std::iter::once(root.to_path_buf()).chain(ENTITY_DIRS.map(|d| root.join(d))) {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some((stem, pid)) = name.rsplit_once(".tmp-") else {
                continue;
            };
            let Ok(pid) = pid.parse::<u32>() else {
                continue;
            };
            let ours = stem.starts_with('.') && temporary_name(&stem[1..], pid) == name;
            let regular = entry.file_type().is_ok_and(|t| t.is_file());
            if ours && regular && !process_alive(pid) && fs::remove_file(entry.path()).is_ok() {
                removed.push(entry.path());
            }
        }
    }
    removed
}

/// Whether process `pid` may still be writing: this process, or (where the OS tells) a live one.
/// Where it cannot be known, a process is taken as alive, so nothing is removed.
fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    true
}

/// Reads one project file (`rel` relative to `root`) as [`read`] would: `Ok(None)` when it does
/// not exist, a diagnostic when it cannot be read or is too large.
pub fn read_file(root: &Path, rel: &str) -> Result<Option<SourceFile>, Diagnostic> {
    let full = root.join(rel);
    match fs::symlink_metadata(&full) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        _ => read_one(&full, rel.to_owned()),
    }
}

/// Deletes a project file; a file already gone is not an error.
pub fn remove_file(path: &Path) -> Result<(), AppError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error("delete", path, &e)),
        _ => Ok(()),
    }
}

/// An IO failure in words: what was being done, to which file, and why.
pub fn io_error(action: &str, path: &Path, err: &std::io::Error) -> AppError {
    let why = match err.kind() {
        std::io::ErrorKind::NotFound => "it does not exist".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission was denied".to_owned(),
        _ => err.to_string(),
    };
    AppError::new(
        ErrorCode::Io,
        format!("Could not {action} {}: {why}.", path.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_dead_writers_temporaries_are_removed() {
        let root = tempfile::tempdir().unwrap();
        let flags = root.path().join("flags");
        fs::create_dir_all(&flags).unwrap();
        // Above Linux's largest pid (2^22): never a live process.
        let dead = flags.join(temporary_name("a.json", 4_294_967));
        let mine = flags.join(temporary_name("b.json", std::process::id()));
        let other = flags.join(".c.json.tmp-notapid");
        let project = flags.join("d.json");
        for file in [&dead, &mine, &other, &project] {
            fs::write(file, b"{").unwrap();
        }
        let removed = remove_stale_temporaries(root.path());
        if cfg!(target_os = "linux") {
            assert_eq!(removed, vec![dead.clone()]);
            assert!(!dead.exists());
        }
        assert!(mine.exists() && other.exists() && project.exists());
    }
}
