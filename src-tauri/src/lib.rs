//! Flagdeck's desktop shell (DESIGN §2): one window, one command (`call`) that forwards a
//! [`flagdeck_app::api::Request`] to [`flagdeck_app::App::call`], change events pushed to the
//! window as `app-event`, and the window's size remembered. No business logic lives here:
//! everything the window can do is a command of flagdeck-app, tested there.

mod command;
mod events;
mod setup;
mod window;

use std::process::ExitCode;
use std::sync::Arc;

use tauri::Manager;
use tauri_plugin_window_state::StateFlags;

/// Runs the app until its window closes.
pub fn run() -> ExitCode {
    let result = tauri::Builder::default()
        .plugin(
            // Driven from Rust (restored on open, saved on close): the webview needs no
            // permission for it. Position is left to the window manager, which knows the screens.
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(StateFlags::SIZE | StateFlags::MAXIMIZED)
                .build(),
        )
        .setup(|tauri_app| {
            let app = setup::open_app(tauri_app.handle())?;
            let start = window::start_workspace(&app, std::env::args().skip(1));
            tauri_app.manage(Arc::new(app));
            window::open_main(tauri_app.handle(), start)?;
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![command::call])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Flagdeck could not start: {error}");
            ExitCode::FAILURE
        }
    }
}
