//! Who may talk to the server. A web page on another site can make the browser send requests
//! to 127.0.0.1, so binding locally is not enough:
//! - the `Host` header must name this server (`127.0.0.1:<port>` or `localhost:<port>`), which
//!   defeats DNS rebinding (a hostile name resolved to 127.0.0.1 keeps its own name in `Host`);
//! - an `Origin` header, when present, must be this server's origin, which refuses cross-site
//!   requests (CSRF) even before the token is checked;
//! - `/api/*` needs the per-launch token, which only the person who started the server has.
//!
//! Every response also carries the security headers (CSP, nosniff, no referrer).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use flagdeck_app::AppError;
use subtle::ConstantTimeEq;

use super::Server;
use super::api::error_response;

/// The page may load its own scripts and styles (Svelte sets inline styles), show images from
/// anywhere (flag values can be image URLs), and talk only to this server.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data: https: http:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";

/// Checks `Host` and `Origin` against the server's port; `Err` says what was refused.
pub fn check_host_and_origin(
    host: Option<&str>,
    origin: Option<&str>,
    port: u16,
) -> Result<(), String> {
    let Some(host) = host else {
        return Err("The request has no Host header.".to_owned());
    };
    let host_ok = ["127.0.0.1", "localhost"].iter().any(|name| {
        host.eq_ignore_ascii_case(&format!("{name}:{port}"))
            // A browser leaves out the default port.
            || (port == 80 && host.eq_ignore_ascii_case(name))
    });
    if !host_ok {
        return Err(format!(
            "The Host {host:?} is not this server; open the address flagdeck serve printed."
        ));
    }
    if let Some(origin) = origin {
        let origin_ok = ["127.0.0.1", "localhost"].iter().any(|name| {
            origin.eq_ignore_ascii_case(&format!("http://{name}:{port}"))
                || (port == 80 && origin.eq_ignore_ascii_case(&format!("http://{name}")))
        });
        if !origin_ok {
            return Err(format!(
                "Requests from {origin:?} are refused: only the page flagdeck serve serves may use it."
            ));
        }
    }
    Ok(())
}

/// Whether `given` is the token, compared in constant time.
pub fn token_matches(expected: &str, given: Option<&str>) -> bool {
    given.is_some_and(|given| bool::from(given.as_bytes().ct_eq(expected.as_bytes())))
}

/// The token a request carries: `Authorization: Bearer <t>`, or `?token=<t>` for the event
/// stream (a browser's EventSource cannot set headers).
fn request_token<'a>(headers: &'a HeaderMap, uri: &'a Uri) -> Option<&'a str> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    bearer.or_else(|| {
        if uri.path() != "/api/events" {
            return None;
        }
        uri.query()?
            .split('&')
            .find_map(|pair| pair.strip_prefix("token="))
    })
}

/// The middleware: refuses what [`check_host_and_origin`] refuses (403) and `/api/*` without
/// the token (401), and adds the security headers to every response.
pub async fn guard(State(server): State<Arc<Server>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let text = |name: HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let mut response = if let Err(message) =
        check_host_and_origin(text(header::HOST), text(header::ORIGIN), server.port)
    {
        error_response(StatusCode::FORBIDDEN, AppError::refused(message))
    } else if is_api(request.uri().path())
        && !token_matches(&server.token, request_token(headers, request.uri()))
    {
        let message = "The token is missing or wrong: open the address flagdeck serve printed (it holds the token), or restart it for a new one.";
        error_response(StatusCode::UNAUTHORIZED, AppError::refused(message))
    } else {
        next.run(request).await.into_response()
    };
    add_security_headers(response.headers_mut());
    response
}

pub fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

fn add_security_headers(headers: &mut HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_origin_are_checked_against_the_port() {
        // (host, origin, allowed)
        let cases: &[(Option<&str>, Option<&str>, bool)] = &[
            (Some("127.0.0.1:4000"), None, true),
            (Some("localhost:4000"), None, true),
            (Some("LOCALHOST:4000"), None, true),
            (Some("127.0.0.1:4000"), Some("http://127.0.0.1:4000"), true),
            (Some("localhost:4000"), Some("http://localhost:4000"), true),
            (Some("127.0.0.1:4000"), Some("http://localhost:4000"), true),
            // No Host at all, or another name (DNS rebinding), or another port.
            (None, None, false),
            (Some("evil.example:4000"), None, false),
            (Some("evil.example"), None, false),
            (Some("127.0.0.1:4001"), None, false),
            (Some("127.0.0.1"), None, false),
            (Some("127.0.0.1.evil.example:4000"), None, false),
            (Some("localhost:4000.evil.example"), None, false),
            (Some("[::1]:4000"), None, false),
            (Some("0.0.0.0:4000"), None, false),
            // Another site's page (CSRF), another scheme or port, or an opaque origin.
            (Some("127.0.0.1:4000"), Some("http://evil.example"), false),
            (
                Some("127.0.0.1:4000"),
                Some("https://127.0.0.1:4000"),
                false,
            ),
            (Some("127.0.0.1:4000"), Some("http://127.0.0.1:4001"), false),
            (Some("127.0.0.1:4000"), Some("http://127.0.0.1"), false),
            (Some("127.0.0.1:4000"), Some("null"), false),
            (Some("127.0.0.1:4000"), Some(""), false),
            (
                Some("127.0.0.1:4000"),
                Some("http://127.0.0.1:4000.evil.example"),
                false,
            ),
        ];
        for (host, origin, allowed) in cases {
            let result = check_host_and_origin(*host, *origin, 4000);
            assert_eq!(
                result.is_ok(),
                *allowed,
                "Host {host:?}, Origin {origin:?}: {result:?}"
            );
        }
    }

    #[test]
    fn the_default_port_may_be_left_out() {
        assert!(check_host_and_origin(Some("localhost"), Some("http://localhost"), 80).is_ok());
        assert!(check_host_and_origin(Some("localhost"), None, 8080).is_err());
    }

    #[test]
    fn only_the_exact_token_matches() {
        let token = "a".repeat(64);
        assert!(token_matches(&token, Some(&token)));
        assert!(!token_matches(&token, None));
        assert!(!token_matches(&token, Some("")));
        assert!(!token_matches(&token, Some(&"a".repeat(63))));
        assert!(!token_matches(&token, Some(&format!("{token}a"))));
        assert!(!token_matches(&token, Some(&"b".repeat(64))));
    }

    #[test]
    fn the_token_comes_from_the_header_or_the_event_stream_query() {
        let mut headers = HeaderMap::new();
        let call: Uri = "/api/call?token=q".parse().expect("a uri");
        let events: Uri = "/api/events?x=1&token=q".parse().expect("a uri");
        assert_eq!(
            request_token(&headers, &call),
            None,
            "only events read the query"
        );
        assert_eq!(request_token(&headers, &events), Some("q"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer h"));
        assert_eq!(request_token(&headers, &call), Some("h"));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic h"));
        assert_eq!(request_token(&headers, &call), None);
    }
}
