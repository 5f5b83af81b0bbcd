//! A local OpenFeature Remote Evaluation Protocol (OFREP 0.3) server for previews: a product
//! running on the designer's machine with an OFREP provider points at it and shows a project's
//! unpublished content, optionally with a pinned variation per flag.
//!
//! The crate knows neither the app's cache nor a folder: a [`FlagSource`] hands it the content
//! ([`Served`], resolved once per change) and the instant to evaluate at. Evaluation is
//! `flagdeck_core::eval`, the same as everywhere else. Each [`PreviewServer`] runs on a thread
//! of its own with a small tokio runtime, so synchronous hosts can start and stop it.
//!
//! Endpoints (the OpenAPI file's): `POST /ofrep/v1/evaluate/flags/{key}` and bulk
//! `POST /ofrep/v1/evaluate/flags` (ETag, 304 on `If-None-Match`), in the project's first
//! environment; the same under `/env/<environment>/` for another one.

mod http;
mod respond;
mod served;

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::sync::{Arc, PoisonError, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

pub use http::{MAX_BODY_BYTES, check_host, etag_of, is_local_origin};
pub use respond::{Answer, PinMap, Refusal, read_context};
pub use served::Served;

/// Where the server's content and clock come from.
pub trait FlagSource: Send + Sync + 'static {
    /// The content to serve now. Called for every request: keep it cached and rebuild it only
    /// when the content changed. `Err` is a sentence (answered as a 500).
    fn served(&self) -> Result<Arc<Served>, String>;
    /// The instant to evaluate at, Unix seconds (the app's clock).
    fn now(&self) -> i64;
}

/// Pinned variations (flag key → variation key), shared between a host and its server.
#[derive(Clone, Default)]
pub struct Pins(Arc<RwLock<PinMap>>);

impl Pins {
    /// The pins now.
    pub fn get(&self) -> PinMap {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Pins `flag` to `variation`, or unpins it (`None`).
    pub fn set(&self, flag: &str, variation: Option<&str>) {
        let mut pins = self.0.write().unwrap_or_else(PoisonError::into_inner);
        match variation {
            Some(variation) => pins.insert(flag.to_owned(), variation.to_owned()),
            None => pins.remove(flag),
        };
    }
}

/// A running server; [`PreviewServer::stop`] (or dropping it) stops it and frees the port.
pub struct PreviewServer {
    port: u16,
    stop: Option<tokio::sync::watch::Sender<bool>>,
    thread: Option<JoinHandle<()>>,
}

/// Requests still running when the server is told to stop get this long to finish.
const STOP_GRACE: Duration = Duration::from_secs(2);

impl PreviewServer {
    /// Listens on 127.0.0.1 (`port`, or any free one when `None` or 0) and serves `source`.
    /// The port is bound before this returns, so "address in use" is an error here.
    pub fn start(
        source: Arc<dyn FlagSource>,
        pins: Pins,
        port: Option<u16>,
    ) -> std::io::Result<PreviewServer> {
        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port.unwrap_or(0))))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let router = http::router(Arc::new(http::Shared { source, pins, port }));
        let thread = std::thread::Builder::new()
            .name(format!("ofrep-{port}"))
            .spawn(move || runtime.block_on(serve(listener, router, stopping)))?;
        Ok(PreviewServer {
            port,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`, the base URL to give an OFREP provider.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops serving and waits for the thread (at most [`STOP_GRACE`] for requests under way).
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for PreviewServer {
    fn drop(&mut self) {
        self.shut_down();
    }
}

async fn serve(
    listener: TcpListener,
    router: axum::Router,
    stopping: tokio::sync::watch::Receiver<bool>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let mut graceful_stop = stopping.clone();
    let serving = axum::serve(listener, router).with_graceful_shutdown(async move {
        let _ = graceful_stop.wait_for(|stop| *stop).await;
    });
    let mut hard_stop = stopping;
    tokio::select! {
        _ = serving => {}
        () = async move {
            let _ = hard_stop.wait_for(|stop| *stop).await;
            tokio::time::sleep(STOP_GRACE).await;
        } => {}
    }
}
