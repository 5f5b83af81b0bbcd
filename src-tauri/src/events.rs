//! Change events to the window: each batch the app emits becomes one `app-event` whose payload
//! is the `AppEvent[]` (the UI applies it to its store).

use flagdeck_app::EventSink;
use tauri::{AppHandle, Emitter};

/// The event name the UI listens to.
pub const APP_EVENT: &str = "app-event";
/// The window the events go to.
pub const MAIN_WINDOW: &str = "main";

/// A sink that emits each batch to the main window.
pub fn to_main_window(handle: AppHandle) -> EventSink {
    std::sync::Arc::new(move |events| {
        // The window may be closing; the events are then of no use to anyone. They hold keys
        // and names, never secrets, so the reason can be printed.
        if let Err(error) = handle.emit_to(MAIN_WINDOW, APP_EVENT, events) {
            eprintln!("Flagdeck: a change event did not reach the window: {error}");
        }
    })
}
