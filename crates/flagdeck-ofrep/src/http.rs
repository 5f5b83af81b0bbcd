//! The HTTP side: routes, the request guard (Host, Origin, CORS), body limits and the bulk
//! response's ETag.

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::respond::{self, Answer, Request as EvalRequest};
use crate::{FlagSource, Pins};

/// Request bodies larger than this are refused (413): a context is a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler shares.
pub(crate) struct Shared {
    pub source: Arc<dyn FlagSource>,
    pub pins: Pins,
    pub port: u16,
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/ofrep/v1/evaluate/flags", post(bulk_default))
        .route("/ofrep/v1/evaluate/flags/{key}", post(single_default))
        .route("/env/{env}/ofrep/v1/evaluate/flags", post(bulk_in))
        .route("/env/{env}/ofrep/v1/evaluate/flags/{key}", post(single_in))
        .fallback(not_here)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&shared),
            guard,
        ))
        .with_state(shared)
}

async fn not_here() -> Response {
    general(
        StatusCode::NOT_FOUND,
        "Nothing here: POST /ofrep/v1/evaluate/flags or /ofrep/v1/evaluate/flags/{key}",
    )
}

async fn bulk_default(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    bulk(shared, None, headers, body).await
}

async fn bulk_in(
    State(shared): State<Arc<Shared>>,
    Path(env): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    bulk(shared, Some(env), headers, body).await
}

async fn single_default(
    State(shared): State<Arc<Shared>>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    single(shared, None, key, headers, body).await
}

async fn single_in(
    State(shared): State<Arc<Shared>>,
    Path((env, key)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    single(shared, Some(env), key, headers, body).await
}

/// The answer to one evaluation request before it becomes HTTP.
enum Outcome {
    Json(StatusCode, Value),
    /// A bulk body, with its ETag computed from it.
    Bulk(Vec<u8>),
}

async fn single(
    shared: Arc<Shared>,
    env: Option<String>,
    key: String,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = match read_body(&headers, body).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let outcome = run_blocking(move || {
        let context = match respond::read_context(&body) {
            Ok(context) => context,
            Err(refusal) => {
                let failure =
                    json!({"key": key, "errorCode": refusal.code, "errorDetails": refusal.details});
                return Outcome::Json(StatusCode::BAD_REQUEST, failure);
            }
        };
        with_request(&shared, env.as_deref(), &context, |request, project| {
            let answer = respond::evaluate(request, project, &key);
            let status = match answer {
                Answer::Success { .. } => StatusCode::OK,
                Answer::NotFound { .. } => StatusCode::NOT_FOUND,
                Answer::Failure { .. } => StatusCode::BAD_REQUEST,
            };
            Outcome::Json(status, answer.to_json())
        })
    })
    .await;
    respond_with(outcome, &headers)
}

async fn bulk(
    shared: Arc<Shared>,
    env: Option<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let body = match read_body(&headers, body).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let outcome = run_blocking(move || {
        let context = match respond::read_context(&body) {
            Ok(context) => context,
            Err(refusal) => {
                let failure = json!({"errorCode": refusal.code, "errorDetails": refusal.details});
                return Outcome::Json(StatusCode::BAD_REQUEST, failure);
            }
        };
        with_request(&shared, env.as_deref(), &context, |request, project| {
            let flags: Vec<Value> = respond::evaluate_all(request, project)
                .iter()
                .map(Answer::to_json)
                .collect();
            match serde_json::to_vec(&json!({ "flags": flags })) {
                Ok(bytes) => Outcome::Bulk(bytes),
                Err(e) => Outcome::Json(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"errorDetails": format!("The answer could not be encoded: {e}")}),
                ),
            }
        })
    })
    .await;
    respond_with(outcome, &headers)
}

/// Gets the content, the environment and the pins, then runs `evaluate`; a project that cannot
/// be served or an unknown environment is answered here.
fn with_request(
    shared: &Shared,
    env: Option<&str>,
    context: &respond::Context,
    evaluate: impl FnOnce(&EvalRequest<'_>, &flagdeck_core::checked::Project) -> Outcome,
) -> Outcome {
    let served = match shared.source.served() {
        Ok(served) => served,
        Err(problem) => return server_error(&problem),
    };
    let project = match served.project() {
        Ok(project) => project,
        Err(problem) => {
            return server_error(&format!(
                "The project cannot be previewed until this is fixed: {problem}"
            ));
        }
    };
    let Some(env_id) = served.environment(env) else {
        let known: Vec<&str> = project
            .environments
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        let details = format!(
            "There is no environment '{}' in this project (its environments: {})",
            env.unwrap_or_default(),
            known.join(", ")
        );
        return Outcome::Json(StatusCode::NOT_FOUND, json!({"errorDetails": details}));
    };
    let pins = shared.pins.get();
    let request = EvalRequest {
        served: &served,
        env: env_id,
        context,
        at: shared.source.now(),
        pins: &pins,
    };
    evaluate(&request, project)
}

fn server_error(details: &str) -> Outcome {
    Outcome::Json(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({ "errorDetails": details }),
    )
}

/// Evaluating 10,000 flags takes milliseconds of CPU, and refreshing the content may read a
/// database: off the runtime's one thread.
async fn run_blocking(work: impl FnOnce() -> Outcome + Send + 'static) -> Outcome {
    match tokio::task::spawn_blocking(work).await {
        Ok(outcome) => outcome,
        Err(_) => server_error("The evaluation failed unexpectedly"),
    }
}

fn respond_with(outcome: Outcome, headers: &HeaderMap) -> Response {
    match outcome {
        Outcome::Json(status, body) => (status, axum::Json(body)).into_response(),
        Outcome::Bulk(bytes) => {
            let etag = etag_of(&bytes);
            let mut response = if if_none_match(headers, &etag) {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                let mut response = (StatusCode::OK, bytes).into_response();
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            };
            if let Ok(value) = HeaderValue::from_str(&etag) {
                response.headers_mut().insert(header::ETAG, value);
            }
            response
        }
    }
}

/// A strong ETag: the SHA-256 of the body, so equal answers (same content, pins, context and
/// schedule phase) have equal tags.
pub fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` lists `etag` (weak comparison, as RFC 9110 asks for it) or is `*`.
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// The body, at most [`MAX_BODY_BYTES`] (413 beyond).
async fn read_body(headers: &HeaderMap, body: Body) -> Result<Bytes, Response> {
    let too_large = || {
        general(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("The request body is larger than {MAX_BODY_BYTES} bytes"),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large())
}

fn general(status: StatusCode, details: &str) -> Response {
    (status, axum::Json(json!({ "errorDetails": details }))).into_response()
}

/// Who may talk to the server, and the CORS answers for those who may:
/// - `Host` must name this server (`127.0.0.1:<port>` or `localhost:<port>`): a hostile name
///   resolved to 127.0.0.1 (DNS rebinding) keeps its own name there;
/// - an `Origin`, when sent, must be a page served from this machine (`http://localhost:*`,
///   `http://127.0.0.1:*`): the designer's product in development. Any other site is refused,
///   so a web page the designer visits cannot read unpublished flags.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    if let Err(details) = check_host(text(header::HOST), shared.port) {
        return general(StatusCode::FORBIDDEN, &details);
    }
    let origin = match text(header::ORIGIN) {
        None => None,
        Some(origin) if is_local_origin(origin) => HeaderValue::from_str(origin).ok(),
        Some(origin) => {
            let details = format!(
                "Requests from {origin:?} are refused: only pages served from this machine (http://localhost or http://127.0.0.1) may preview flags"
            );
            return general(StatusCode::FORBIDDEN, &details);
        }
    };
    let mut response = if request.method() == Method::OPTIONS {
        preflight()
    } else {
        next.run(request).await
    };
    if let Some(origin) = origin {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("ETag"),
        );
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

/// The preflight of a browser SDK's POST with a JSON body and `If-None-Match`.
fn preflight() -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("POST, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("Content-Type, If-None-Match, Authorization, X-API-Key"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// `Host` names this server.
pub fn check_host(host: Option<&str>, port: u16) -> Result<(), String> {
    let Some(host) = host else {
        return Err("The request has no Host header".to_owned());
    };
    let ok = ["127.0.0.1", "localhost"]
        .iter()
        .any(|name| host.eq_ignore_ascii_case(&format!("{name}:{port}")));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "The Host {host:?} is not this server: use http://127.0.0.1:{port}"
        ))
    }
}

/// `http://localhost` or `http://127.0.0.1`, with or without a port.
pub fn is_local_origin(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("http://") else {
        return false;
    };
    let rest = rest.to_ascii_lowercase();
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => (host.to_owned(), Some(port.to_owned())),
        None => (rest, None),
    };
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    (host == "localhost" || host == "127.0.0.1") && port_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_pages_are_allowed_origins() {
        for ok in [
            "http://localhost:5173",
            "http://127.0.0.1:8080",
            "http://localhost",
        ] {
            assert!(is_local_origin(ok), "{ok}");
        }
        for refused in [
            "https://localhost:5173",
            "http://localhost.evil.com",
            "http://evil.com",
            "http://127.0.0.1.nip.io:80",
            "http://localhost:80/path",
            "http://localhost:",
            "null",
            "http://[::1]:3000",
        ] {
            assert!(!is_local_origin(refused), "{refused}");
        }
    }

    #[test]
    fn the_host_must_name_this_server() {
        assert!(check_host(Some("127.0.0.1:4000"), 4000).is_ok());
        assert!(check_host(Some("localhost:4000"), 4000).is_ok());
        assert!(check_host(Some("localhost:4001"), 4000).is_err());
        assert!(check_host(Some("evil.example:4000"), 4000).is_err());
        assert!(check_host(None, 4000).is_err());
    }

    #[test]
    fn if_none_match_reads_lists_and_weak_tags() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"a\", W/\"b\""),
        );
        assert!(if_none_match(&headers, "\"b\""));
        assert!(if_none_match(&headers, "\"a\""));
        assert!(!if_none_match(&headers, "\"c\""));
    }
}
