//! `flagdeck serve [DIR] [--port N] [--ui-dir DIR]`: the app in a browser (DESIGN §9), the
//! second host of the command surface beside the desktop shell (UI.md "HTTP"). It binds
//! 127.0.0.1 only, prints `Flagdeck is at http://127.0.0.1:<port>/#token=<t>` with a token
//! made for this launch (and `&workspace=<id>` when DIR was given, so the page opens it), and
//! serves the UI, `POST /api/call` and `GET /api/events`.
//!
//! - `guard`: Host, Origin and token checks, security headers;
//! - `api`: one command per request, errors as `AppError` JSON;
//! - `events`: the app's change events as Server-Sent Events;
//! - `assets`: the UI's files.

mod api;
mod assets;
mod events;
mod guard;

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post};
use flagdeck_app::{App, WorkspaceInfo, WorkspaceKindName};
use tokio::sync::watch;

use crate::commands::session;
use crate::error::{CliError, CliResult};

/// The options of `flagdeck serve`.
pub struct ServeOptions {
    pub dir: Option<PathBuf>,
    /// 0: any free port.
    pub port: u16,
    pub data_dir: Option<PathBuf>,
    pub ui_dir: Option<PathBuf>,
}

/// What every handler shares.
pub struct Server {
    app: Arc<App>,
    token: String,
    port: u16,
    hub: events::Hub,
    ui: assets::Ui,
    /// Becomes `true` when the server stops: event streams end.
    stopping: watch::Receiver<bool>,
    /// Folder workspaces being watched, to unwatch on the way out.
    watched: Mutex<BTreeSet<i64>>,
}

impl Server {
    /// Watches a folder or local workspace so that edits made in a text editor reach the UI;
    /// a failure only costs that, so it is reported and serving goes on.
    fn watch(&self, workspace_id: i64) {
        match self.app.watch(workspace_id) {
            Ok(()) => {
                self.watched
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(workspace_id);
            }
            Err(error) => eprintln!(
                "flagdeck: workspace {workspace_id} is not watched, so edits made outside the app appear after a restart: {}",
                error.message
            ),
        }
    }
}

/// The data folder: `--data-dir`, else the desktop app's (Tauri's app data folder for the
/// identifier `dev.flagdeck.app`), so both see the same workspaces.
pub fn data_dir(arg: Option<PathBuf>) -> Result<PathBuf, CliError> {
    if let Some(dir) = arg {
        return Ok(dir);
    }
    let from_env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let data_home = from_env("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| from_env("HOME").map(|home| PathBuf::from(home).join(".local/share")));
    match data_home {
        Some(dir) => Ok(dir.join("dev.flagdeck.app")),
        None => Err(CliError::Usage(
            "No data folder: pass --data-dir, or set XDG_DATA_HOME or HOME.".to_owned(),
        )),
    }
}

pub fn run(options: ServeOptions) -> CliResult {
    let data_dir = data_dir(options.data_dir)?;
    let ui = assets::Ui::new(options.ui_dir)?;
    let hub = events::Hub::new();
    let app = Arc::new(session::open_app_with_events(&data_dir, hub.sink())?);
    // The same folder is the same workspace on every launch.
    let opened = options
        .dir
        .map(|dir| app.checkout_workspace(&dir))
        .transpose()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Io(format!("Could not start the server: {e}.")))?;
    let (stop, stopping) = watch::channel(false);
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(SocketAddr::from((
            Ipv4Addr::LOCALHOST,
            options.port,
        ))))
        .map_err(|e| {
            CliError::Io(format!(
                "Could not listen on 127.0.0.1:{}: {e}; choose another --port (0 takes any free one).",
                options.port
            ))
        })?;
    let port = listener
        .local_addr()
        .map_err(|e| CliError::Io(format!("Could not read the server's port: {e}.")))?
        .port();
    let server = Arc::new(Server {
        app: Arc::clone(&app),
        token: new_token()?,
        port,
        hub,
        ui,
        stopping,
        watched: Mutex::new(BTreeSet::new()),
    });
    for workspace in app.workspaces()? {
        if workspace.kind != WorkspaceKindName::Git {
            server.watch(workspace.id);
        }
    }
    announce(&server, opened.as_ref())?;
    let result = runtime.block_on(serve(Arc::clone(&server), listener, stop));
    // Stop the folder watchers before the app goes away.
    let watched = std::mem::take(
        &mut *server
            .watched
            .lock()
            .unwrap_or_else(PoisonError::into_inner),
    );
    for id in watched {
        app.unwatch(id);
    }
    runtime.shutdown_timeout(Duration::from_secs(1));
    result.map(|()| ExitCode::SUCCESS)
}

/// First line on standard output: the address with the token (scripts and tests read it).
fn announce(server: &Server, opened: Option<&WorkspaceInfo>) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    let write_failed =
        |e: std::io::Error| CliError::Io(format!("Could not print the address: {e}."));
    // With DIR the address also names its workspace, so the page opens it (UI.md "HTTP").
    let workspace = opened.map_or_else(String::new, |w| format!("&workspace={}", w.id));
    writeln!(
        out,
        "Flagdeck is at http://127.0.0.1:{}/#token={}{workspace}",
        server.port, server.token
    )
    .map_err(write_failed)?;
    if let Some(workspace) = opened {
        writeln!(
            out,
            "Workspace {}: {} ({})",
            workspace.id, workspace.name, workspace.location
        )
        .map_err(write_failed)?;
    }
    out.flush().map_err(write_failed)?;
    eprintln!("Only this address with its token opens the app; press Ctrl-C to stop.");
    Ok(())
}

async fn serve(
    server: Arc<Server>,
    listener: tokio::net::TcpListener,
    stop: watch::Sender<bool>,
) -> Result<(), CliError> {
    let router = Router::new()
        .route("/api/call", post(api::call))
        .route("/api/events", get(events::stream))
        .fallback(assets::serve)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&server),
            guard::guard,
        ))
        .with_state(Arc::clone(&server));
    let mut stopped = server.stopping.clone();
    let mut serving = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|stopping| *stopping).await;
            })
            .await
    });
    tokio::select! {
        result = &mut serving => return finished(result),
        () = stop_signal() => {}
    }
    eprintln!("Stopping…");
    // Ends the event streams; requests under way get a few seconds to finish.
    let _ = stop.send(true);
    match tokio::time::timeout(Duration::from_secs(5), serving).await {
        Ok(result) => finished(result),
        Err(_) => Ok(()),
    }
}

fn finished(result: Result<std::io::Result<()>, tokio::task::JoinError>) -> Result<(), CliError> {
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(CliError::Io(format!("The server stopped: {e}."))),
        Err(e) => Err(CliError::Io(format!("The server stopped: {e}."))),
    }
}

/// Ctrl-C, or SIGTERM (a service manager's or a test's stop).
pub(crate) async fn stop_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// 32 random bytes from the OS, as 64 hex digits: the launch's token.
fn new_token() -> Result<String, CliError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| CliError::Io(format!("Could not make a random token: {e}.")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let a = new_token().expect("a token");
        let b = new_token().expect("a token");
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
