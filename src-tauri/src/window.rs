//! The main window, made here rather than from the configuration alone so the app can tell the
//! page which workspace to open first (`flagdeck-desktop --demo` opens the demo workspace).

use flagdeck_app::App;
use flagdeck_app::api::{OpenDemoArgs, Request};
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
    let mut builder = WebviewWindowBuilder::from_config(handle, &config)?;
    if let Some(id) = start {
        builder =
            builder.initialization_script(format!("window.__FLAGDECK_START_WORKSPACE__ = {id};"));
    }
    let window = builder.build()?;
    if !has_gpu() {
        window.with_webview(software_rendering)?;
    }
    Ok(())
}

/// Whether the machine has a GPU for WebKit to composite with (a DRM device). Without one,
/// WebKit's accelerated compositing runs on Mesa's software GL: slower than plain software
/// painting and ~35 MiB more memory (docs/BENCHMARKS.md, "Desktop app").
fn has_gpu() -> bool {
    !cfg!(target_os = "linux") || std::path::Path::new("/dev/dri").exists()
}

/// Turns WebKitGTK's accelerated compositing off (the safe, per-view way of
/// `WEBKIT_DISABLE_COMPOSITING_MODE=1`, which would need `unsafe` `set_var` in Rust 2024).
#[cfg(target_os = "linux")]
fn software_rendering(webview: tauri::webview::PlatformWebview) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    if let Some(settings) = webview.inner().settings() {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
}

#[cfg(not(target_os = "linux"))]
fn software_rendering(_webview: tauri::webview::PlatformWebview) {}
