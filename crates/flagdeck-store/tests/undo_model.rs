//! Drafts with undo/redo against a simple in-memory model, on a real SQLite file.

use std::collections::BTreeMap;

use flagdeck_store::{DraftContent, EntityKind, NewWorkspace, Source, Store, WorkspaceKind};
use proptest::prelude::*;
use serde_json::json;

#[derive(Debug, Clone)]
enum Op {
    Save(u8, Option<u8>), // key, value (None = deletion draft)
    Discard(u8),
    Undo,
    Redo,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..3_u8, proptest::option::of(0..3_u8)).prop_map(|(k, v)| Op::Save(k, v)),
        1 => (0..3_u8).prop_map(Op::Discard),
        2 => Just(Op::Undo),
        2 => Just(Op::Redo),
    ]
}

type State = Option<DraftContent>;

/// The expected behaviour: one linear history with a cursor.
#[derive(Default)]
struct Model {
    drafts: BTreeMap<String, DraftContent>,
    history: Vec<(String, State, State)>,
    cursor: usize,
}

impl Model {
    fn set(&mut self, key: &str, state: State) {
        match state {
            Some(content) => self.drafts.insert(key.to_owned(), content),
            None => self.drafts.remove(key),
        };
    }

    fn change(&mut self, key: &str, after: State) {
        let before = self.drafts.get(key).cloned();
        if before == after {
            return;
        }
        self.history.truncate(self.cursor);
        self.history.push((key.to_owned(), before, after.clone()));
        self.cursor += 1;
        self.set(key, after);
    }

    fn undo(&mut self) {
        if let Some(cursor) = self.cursor.checked_sub(1)
            && let Some((key, before, _)) = self.history.get(cursor).cloned()
        {
            self.cursor = cursor;
            self.set(&key, before);
        }
    }

    fn redo(&mut self) {
        if let Some((key, _, after)) = self.history.get(self.cursor).cloned() {
            self.cursor += 1;
            self.set(&key, after);
        }
    }
}

fn content(value: Option<u8>) -> DraftContent {
    value.map_or(DraftContent::Deleted, |v| {
        DraftContent::Json(json!({ "v": v }))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn drafts_follow_the_model(ops in proptest::collection::vec(op(), 1..30)) {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open_at(&dir.path().join("c.sqlite"), 1).expect("open");
        let new = NewWorkspace { name: "w".into(), kind: WorkspaceKind::Local, location: "/w".into(), remote_url: None };
        let ws = store.create_workspace(&new, Source::User, 1).expect("ws").value.id;
        let mut model = Model::default();
        for (now, op) in (2_i64..).zip(&ops) {
            match op {
                Op::Save(k, v) => {
                    let key = format!("k{k}");
                    let _ = store.save_draft(ws, EntityKind::Flag, &key, &content(*v), Source::User, now).expect("save");
                    model.change(&key, Some(content(*v)));
                }
                Op::Discard(k) => {
                    let key = format!("k{k}");
                    let _ = store.discard_draft(ws, EntityKind::Flag, &key, Source::User, now).expect("discard");
                    model.change(&key, None);
                }
                Op::Undo => {
                    let _ = store.undo(ws, Source::User, now).expect("undo");
                    model.undo();
                }
                Op::Redo => {
                    let _ = store.redo(ws, Source::User, now).expect("redo");
                    model.redo();
                }
            }
            let stored: BTreeMap<String, DraftContent> = store
                .drafts(ws)
                .expect("drafts")
                .into_iter()
                .map(|draft| (draft.key, draft.content))
                .collect();
            prop_assert_eq!(&stored, &model.drafts, "after {:?}", op);
            let undo = i64::try_from(model.cursor).expect("small");
            let redo = i64::try_from(model.history.len() - model.cursor).expect("small");
            prop_assert_eq!(store.undo_redo_counts(ws).expect("counts"), (undo, redo));
        }
    }
}
