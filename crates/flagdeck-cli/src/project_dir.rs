//! Reading a project folder from disk into the core's [`SourceFile`]s, and writing files
//! atomically. The core never does IO; this is the CLI's side of that boundary.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use flagdeck_core::diag::{Code, Diagnostic};
use flagdeck_core::format::{self, MAX_FILE_BYTES, SourceFile};
use flagdeck_core::validate::{self, Checked};

use crate::error::CliError;

/// The folders of a project that hold one entity per file.
const ENTITY_DIRS: [&str; 2] = ["flags", "segments"];

/// The project folder: the argument, or the current folder.
pub fn project_root(dir: Option<PathBuf>) -> PathBuf {
    dir.unwrap_or_else(|| PathBuf::from("."))
}

/// Reads `flagdeck.json` and every file of the entity folders. Files that cannot be read
/// (too large, a symbolic link, unreadable) become diagnostics instead of stopping the read.
pub fn read(root: &Path) -> Result<(Vec<SourceFile>, Vec<Diagnostic>), CliError> {
    if !root.is_dir() {
        return Err(CliError::Usage(format!(
            "{} is not a folder.",
            root.display()
        )));
    }
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let project = root.join(validate::PROJECT_FILE);
    if project.exists() {
        read_one(
            &project,
            validate::PROJECT_FILE.to_owned(),
            &mut files,
            &mut diags,
        );
    }
    for dir in ENTITY_DIRS {
        let path = root.join(dir);
        let Ok(entries) = fs::read_dir(&path) else {
            continue;
        };
        let mut names: Vec<(String, PathBuf)> = Vec::new();
        for entry in entries.flatten() {
            match entry.file_name().into_string() {
                Ok(name) => names.push((name, entry.path())),
                Err(raw) => diags.push(Diagnostic::warning(
                    Code::UnexpectedFile,
                    format!("{dir}/{}", raw.to_string_lossy()),
                    "",
                    "This file name is not valid UTF-8, so it cannot be a key; it is ignored.",
                )),
            }
        }
        names.sort();
        for (name, full) in names {
            // Hidden files (.DS_Store, .gitkeep) are an editor's or a tool's business.
            if name.starts_with('.') {
                continue;
            }
            read_one(&full, format!("{dir}/{name}"), &mut files, &mut diags);
        }
    }
    Ok((files, diags))
}

fn read_one(full: &Path, rel: String, files: &mut Vec<SourceFile>, diags: &mut Vec<Diagnostic>) {
    let meta = match fs::symlink_metadata(full) {
        Ok(m) => m,
        Err(e) => {
            diags.push(Diagnostic::error(
                Code::Unreadable,
                rel,
                "",
                format!("The file could not be read: {e}."),
            ));
            return;
        }
    };
    if meta.file_type().is_symlink() {
        diags.push(Diagnostic::warning(
            Code::UnexpectedFile,
            rel,
            "",
            "This is a symbolic link; Flagdeck only reads regular files inside the project, so it is ignored.",
        ));
        return;
    }
    if meta.is_dir() {
        // A folder inside flags/ or segments/: the core says it does not belong there.
        files.push(SourceFile::new(format!("{rel}/"), Vec::new()));
        return;
    }
    // Read at most one byte past the limit: a 50 MB file costs 5 MB, not 50.
    let mut bytes = Vec::new();
    let read = fs::File::open(full)
        .and_then(|f| f.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes));
    match read {
        Ok(_) if bytes.len() > MAX_FILE_BYTES => diags.push(format::too_large(&rel)),
        Ok(_) => files.push(SourceFile::new(rel, bytes)),
        Err(e) => diags.push(Diagnostic::error(
            Code::Unreadable,
            rel,
            "",
            format!("The file could not be read: {e}."),
        )),
    }
}

/// Reads and checks a project: every diagnostic, and the resolved project if there is no error.
pub fn check(root: &Path) -> Result<Checked, CliError> {
    let (files, read_diags) = read(root)?;
    let mut checked = validate::check(&files);
    if read_diags.iter().any(Diagnostic::is_error) {
        checked.project = None;
    }
    checked.diagnostics.extend(read_diags);
    checked
        .diagnostics
        .sort_by(|a, b| (&a.file, a.line, &a.pointer).cmp(&(&b.file, b.line, &b.pointer)));
    Ok(checked)
}

/// Writes a file through a temporary sibling and a rename, so that a reader (flagd watching
/// `dist/`, or a crash half-way) never sees half a file.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), CliError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| CliError::io("create the folder", dir, &e))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp-{}", std::process::id()));
    let result = fs::File::create(&tmp)
        .and_then(|mut f| {
            f.write_all(contents)?;
            f.sync_all()
        })
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(CliError::io("write", path, &e));
    }
    Ok(())
}
