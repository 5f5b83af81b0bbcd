//! The UI's files: embedded in the binary from `ui/dist` when it was built before the binary
//! (build.rs sets `flagdeck_ui`), or read from a folder (`--ui-dir`, for tests and UI work).
//! An unknown path that is not `/api/*` gets `index.html`, so the UI's own routes load it.
//! These files hold no data, so they need no token.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{self, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use flagdeck_app::AppError;

use super::Server;
use super::api::error_response;
use super::guard::is_api;
use crate::error::CliError;

#[cfg(flagdeck_ui)]
static EMBEDDED: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/../../ui/dist");

const INDEX: &str = "index.html";

/// Where the UI's files come from.
pub enum Ui {
    /// Built into the binary.
    #[cfg_attr(not(flagdeck_ui), allow(dead_code))]
    Embedded,
    /// A folder holding `index.html`.
    Folder(PathBuf),
    /// The binary was built before the UI.
    Missing,
}

impl Ui {
    pub fn new(folder: Option<PathBuf>) -> Result<Ui, CliError> {
        match folder {
            Some(folder) if folder.join(INDEX).is_file() => Ok(Ui::Folder(folder)),
            Some(folder) => Err(CliError::Usage(format!(
                "{} holds no {INDEX}; pass the UI's build folder (ui/dist after npm --prefix ui run build).",
                folder.display()
            ))),
            None if cfg!(flagdeck_ui) => Ok(Ui::Embedded),
            None => Ok(Ui::Missing),
        }
    }

    /// A file's bytes by its path inside the UI (`assets/app.js`).
    async fn file(&self, path: &str) -> Option<Cow<'static, [u8]>> {
        match self {
            #[cfg(flagdeck_ui)]
            Ui::Embedded => EMBEDDED.get_file(path).map(|f| Cow::Borrowed(f.contents())),
            #[cfg(not(flagdeck_ui))]
            Ui::Embedded => None,
            Ui::Folder(folder) => {
                let file = folder.join(path);
                if !file.is_file() {
                    return None;
                }
                tokio::fs::read(file).await.ok().map(Cow::Owned)
            }
            Ui::Missing => None,
        }
    }
}

/// The path inside the UI, or `None` for a path that tries to leave it.
fn ui_path(uri_path: &str) -> Option<&str> {
    let path = uri_path.trim_start_matches('/');
    if path.is_empty() {
        return Some(INDEX);
    }
    let safe = path
        .split('/')
        .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains('\\'));
    safe.then_some(path)
}

pub async fn serve(State(server): State<Arc<Server>>, uri: Uri) -> Response {
    if is_api(uri.path()) {
        return error_response(
            StatusCode::NOT_FOUND,
            AppError::not_found(format!("There is no {} here.", uri.path())),
        );
    }
    if matches!(server.ui, Ui::Missing) {
        return not_built();
    }
    let path = ui_path(uri.path()).unwrap_or(INDEX);
    let (path, bytes) = match server.ui.file(path).await {
        Some(bytes) => (path, bytes),
        None => match server.ui.file(INDEX).await {
            Some(bytes) => (INDEX, bytes),
            None => return not_built(),
        },
    };
    let mut response = bytes.into_owned().into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type(path)) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(path)),
    );
    response
}

fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || mime.subtype() == mime_guess::mime::JAVASCRIPT
        || mime.subtype() == mime_guess::mime::JSON;
    if text {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

/// `index.html` names the current assets, so it is never cached; Vite's `assets/` carry a hash
/// of their content in their names, so they never change.
fn cache_control(path: &str) -> &'static str {
    if path == INDEX {
        "no-store"
    } else if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

fn not_built() -> Response {
    let page = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Flagdeck</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The Flagdeck UI was not built</h1>
<p>This <code>flagdeck</code> binary was built before the UI, so it has no pages to show.
The server itself works: <code>/api/*</code> answers.</p>
<p>Build the UI, then rebuild the binary (it embeds <code>ui/dist</code>):</p>
<pre>npm --prefix ui ci &amp;&amp; npm --prefix ui run build
cargo build -p flagdeck-cli</pre>
<p>Or serve a built UI from a folder: <code>flagdeck serve --ui-dir ui/dist</code>.</p>
</body></html>
"#;
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, Html(page)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_ui() {
        let cases = [
            ("/", Some("index.html")),
            ("/assets/app.js", Some("assets/app.js")),
            ("/flags/checkout", Some("flags/checkout")),
            ("/../secret", None),
            ("/assets/../../secret", None),
            ("/./index.html", None),
            ("//etc/passwd", Some("etc/passwd")),
            ("/a//b", None),
            ("/a\\..\\b", None),
        ];
        for (uri, expected) in cases {
            assert_eq!(ui_path(uri), expected, "{uri}");
        }
    }

    #[test]
    fn types_and_caching_follow_the_file() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/a.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("assets/a.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("icon.svg"), "image/svg+xml");
        assert_eq!(content_type("x.woff2"), "font/woff2");
        assert_eq!(cache_control("index.html"), "no-store");
        assert_eq!(
            cache_control("assets/a-1234.js"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(cache_control("favicon.svg"), "no-cache");
    }
}
