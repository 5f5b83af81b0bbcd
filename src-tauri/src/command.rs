//! The one command the window calls: `invoke('call', { request })` (see /UI.md's contract).

use std::sync::Arc;

use flagdeck_app::api::Request;
use flagdeck_app::{App, AppError, ErrorCode};
use serde_json::Value;
use tauri::ipc::Response;

/// Runs one request of the command surface. It resolves with the command's result or rejects
/// with an [`AppError`] (`{code, message, field}`), never with a bare string: the request is
/// taken as JSON and read here, so a request this build does not know is an `invalidInput`
/// error too. The work runs on the blocking pool, so a long sync never freezes the window.
/// The answer is sent as the JSON text the app wrote, which the window parses.
#[tauri::command]
pub async fn call(app: tauri::State<'_, Arc<App>>, request: Value) -> Result<Response, AppError> {
    let request = parse(request)?;
    let app = Arc::clone(&app);
    tauri::async_runtime::spawn_blocking(move || app.call_json(request).map(Response::new))
        .await
        .map_err(|_| {
            AppError::new(
                ErrorCode::Storage,
                "The command stopped before it finished; nothing more is known.",
            )
        })?
}

/// Reads the request. The message names the command but not serde's detail, which can quote
/// the values sent (a password, one day).
fn parse(request: Value) -> Result<Request, AppError> {
    let command = request
        .get("command")
        .and_then(Value::as_str)
        .unwrap_or("(none)")
        .to_owned();
    serde_json::from_value(request).map_err(|_| {
        AppError::invalid(format!(
            "This version of the app does not understand the request `{command}` (an unknown command or arguments)."
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_known_request_is_read() {
        let request = parse(json!({"command": "workspaces", "args": {}}));
        assert_eq!(request.map(|r| r.name()), Ok("workspaces".to_owned()));
    }

    #[test]
    fn an_unknown_request_is_an_app_error_that_quotes_no_value() {
        let error = parse(json!({"command": "status", "args": {"workspaceId": "hunter2"}}))
            .expect_err("a string is not a workspace id");
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert!(error.message.contains("`status`"), "{}", error.message);
        assert!(!error.message.contains("hunter2"), "{}", error.message);
        let wire = serde_json::to_value(&error).expect("errors serialise");
        assert_eq!(
            wire["code"], "invalidInput",
            "the UI switches on this: {wire}"
        );
    }
}
