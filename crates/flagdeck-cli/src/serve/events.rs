//! `GET /api/events`: the app's change events as Server-Sent Events. Each message's `data` is
//! one JSON `AppEvent[]` batch (one write). The app's writers hand a batch to a broadcast
//! channel and never wait for a browser: a subscriber that falls more than [`BACKLOG`] batches
//! behind loses the oldest ones and gets an `event: resync` message (`data: {"dropped": N}`)
//! instead, telling the UI to reload what it shows.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use flagdeck_app::{AppEvent, EventSink};
use futures_util::Stream;
use tokio::sync::{broadcast, watch};

use super::Server;

/// Batches kept for a slow subscriber before it must resync.
const BACKLOG: usize = 256;

/// Fans the app's events out to every open event stream.
#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<Arc<str>>,
}

impl Hub {
    pub fn new() -> Self {
        Hub {
            sender: broadcast::channel(BACKLOG).0,
        }
    }

    /// The sink to give the app: serialises each batch once and broadcasts it.
    pub fn sink(&self) -> EventSink {
        let sender = self.sender.clone();
        Arc::new(move |events: &[AppEvent]| {
            if let Ok(json) = serde_json::to_string(events) {
                // No subscriber is not an error: nobody is looking.
                let _ = sender.send(json.into());
            }
        })
    }
}

/// What one subscriber's stream waits on: the next batch, or the server stopping.
struct Subscriber {
    batches: broadcast::Receiver<Arc<str>>,
    stopping: watch::Receiver<bool>,
    greeted: bool,
}

pub async fn stream(
    State(server): State<Arc<Server>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let subscriber = Subscriber {
        batches: server.hub.sender.subscribe(),
        stopping: server.stopping.clone(),
        greeted: false,
    };
    let events = futures_util::stream::unfold(subscriber, |mut s| async move {
        if !s.greeted {
            // Says the subscription is live, so a client knows later writes will reach it.
            s.greeted = true;
            return Some((Ok(Event::default().comment("connected")), s));
        }
        if *s.stopping.borrow() {
            return None;
        }
        let event = tokio::select! {
            // Ends the stream when the server stops, so that shutdown does not wait for it.
            _ = s.stopping.changed() => return None,
            batch = s.batches.recv() => match batch {
                Ok(json) => Event::default().data(&*json),
                Err(broadcast::error::RecvError::Lagged(dropped)) => Event::default()
                    .event("resync")
                    .data(format!("{{\"dropped\":{dropped}}}")),
                Err(broadcast::error::RecvError::Closed) => return None,
            },
        };
        Some((Ok(event), s))
    });
    Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
