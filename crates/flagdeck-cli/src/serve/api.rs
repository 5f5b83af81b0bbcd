//! `POST /api/call`: one command of the app's surface (`{"command", "args"}`), answered with
//! its result, or an `AppError` with an HTTP status the UI does not need (it reads `code`).

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{self, HeaderMap};
use axum::response::{IntoResponse, Response};
use flagdeck_app::api::Request;
use flagdeck_app::{AppError, ErrorCode};
use futures_util::StreamExt;

use super::Server;

/// The largest request body: a project file is far smaller, and a limit keeps a bad client
/// from filling memory.
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The HTTP status of a failed command (UI.md "HTTP").
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorCode::Busy | ErrorCode::Refused | ErrorCode::Retry => StatusCode::CONFLICT,
        ErrorCode::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Offline => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An `AppError` as the body, with its status.
pub fn error_response(status: StatusCode, error: AppError) -> Response {
    (status, Json(error)).into_response()
}

fn failed(error: AppError) -> Response {
    error_response(status_of(error.code), error)
}

pub async fn call(State(server): State<Arc<Server>>, headers: HeaderMap, body: Body) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !is_json {
        // A browser sends a cross-site JSON request only after asking first (CORS preflight),
        // which this server never grants: one more wall against other sites.
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::invalid("Send the command as JSON, with Content-Type: application/json."),
        );
    }
    let bytes = match read_body(&headers, body).await {
        Ok(bytes) => bytes,
        Err(response) => return *response,
    };
    let request: Request = match serde_json::from_slice(&bytes) {
        Ok(request) => request,
        Err(e) => {
            return failed(AppError::invalid(format!(
                "The request is not a command of the app: {e}."
            )));
        }
    };
    let server = Arc::clone(&server);
    // The app's methods block (SQLite, Git, files): they run on tokio's blocking threads.
    let answer = tokio::task::spawn_blocking(move || {
        let opens_folder = matches!(
            request,
            Request::OpenFolderWorkspace(_) | Request::CreateLocalWorkspace(_)
        );
        if !opens_folder {
            return server.app.call_json(request);
        }
        let info = server.app.call(request)?;
        if let Some(id) = info.get("id").and_then(serde_json::Value::as_i64) {
            server.watch(id);
        }
        Ok(info.to_string())
    })
    .await;
    match answer {
        Ok(Ok(json)) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Ok(Err(error)) => failed(error),
        Err(_) => failed(AppError::new(
            ErrorCode::Storage,
            "The command stopped unexpectedly; nothing is known to have changed. Please report it.",
        )),
    }
}

/// The body, up to [`BODY_LIMIT`]; a larger one is refused with 413 as soon as its
/// `Content-Length` says so, or once that many bytes arrived.
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Vec<u8>, Box<Response>> {
    let too_large = || {
        Box::new(error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            AppError::invalid(format!(
                "The request is larger than {} MB, the most this server accepts.",
                BODY_LIMIT / (1024 * 1024)
            )),
        ))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > BODY_LIMIT as u64) {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(declared.map_or(0, |length| length as usize));
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            Box::new(failed(AppError::invalid(format!(
                "The request could not be read: {e}."
            ))))
        })?;
        if bytes.len() + chunk.len() > BODY_LIMIT {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_the_statuses_of_the_contract() {
        let cases = [
            (ErrorCode::NotFound, 404),
            (ErrorCode::InvalidInput, 400),
            (ErrorCode::Busy, 409),
            (ErrorCode::Refused, 409),
            (ErrorCode::Retry, 409),
            (ErrorCode::Invalid, 422),
            (ErrorCode::Offline, 503),
            (ErrorCode::Storage, 500),
            (ErrorCode::CredentialsMissing, 500),
        ];
        for (code, status) in cases {
            assert_eq!(status_of(code).as_u16(), status, "{code:?}");
        }
    }
}
