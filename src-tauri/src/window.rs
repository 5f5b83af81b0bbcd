//! The main window, made here rather than from the configuration alone so the app can tell the
//! page which workspace to open first (`flagdeck-desktop --demo` opens the demo workspace).

use flagdeck_app::App;
use flagdeck_app::api::{OpenDemoArgs, Request};
use tauri::webview::DownloadEvent;
use tauri::{AppHandle, WebviewWindowBuilder};

/// The workspace to open at start: the demo's when `--demo` is among the arguments (made on
/// first use). A failure is reported and the app starts as usual.
pub fn start_workspace(app: &App, mut args: impl Iterator<Item = String>) -> Option<i64> {
    if !args.any(|arg| arg == "--demo") {
        return None;
    }
    match app.call(Request::OpenDemo(OpenDemoArgs {})) {
        Ok(info) => info.get("id").and_then(serde_json::Value::as_i64),
        Err(error) => {
            eprintln!(
                "Flagdeck could not open the demo workspace: {}",
                error.message
            );
            None
        }
    }
}

/// Opens the main window as configured in `tauri.conf.json`, telling the page the workspace
/// to open first (read by the UI's Tauri backend as `startWorkspace`).
pub fn open_main(handle: &AppHandle, start: Option<i64>) -> tauri::Result<()> {
    let config = handle
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .unwrap_or_default();
    let mut builder =
        WebviewWindowBuilder::from_config(handle, &config)?.on_download(save_download);
    if let Some(id) = start {
        builder =
            builder.initialization_script(format!("window.__FLAGDECK_START_WORKSPACE__ = {id};"));
    }
    builder.build()?;
    Ok(())
}

/// Files the UI saves (the audit export: a `blob:` link it made) go to the user's Downloads
/// folder under the name the UI gave, numbered if taken (wry picks the path); any other
/// download, such as a link to anywhere else, is refused.
fn save_download(_webview: tauri::Webview, event: DownloadEvent<'_>) -> bool {
    match event {
        DownloadEvent::Requested { url, .. } => url.scheme() == "blob",
        DownloadEvent::Finished { success, .. } => {
            if !success {
                eprintln!("Flagdeck could not save a file to the Downloads folder.");
            }
            true
        }
        _ => false,
    }
}
