-- The first schema of Flagdeck's local cache. Forward-only: never edit this file once released;
-- add a new timestamped migration instead.

CREATE TABLE workspaces (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('git', 'folder', 'local')),
    location    TEXT    NOT NULL,
    remote_url  TEXT,
    -- The commit (or remote revision) that base_entities holds; NULL before the first sync.
    base_commit TEXT,
    created_at  INTEGER NOT NULL
);

-- The last synced state of the repository (the "base" of a three-way merge), at workspaces.base_commit.
CREATE TABLE base_entities (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('project', 'flag', 'segment', 'person', 'policy', 'change', 'persona')),
    key          TEXT    NOT NULL,
    json         TEXT    NOT NULL,
    PRIMARY KEY (workspace_id, kind, key)
) WITHOUT ROWID;

-- Local edits not yet synced. json IS NULL means the entity is deleted locally.
CREATE TABLE drafts (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('project', 'flag', 'segment', 'person', 'policy', 'change', 'persona')),
    key          TEXT    NOT NULL,
    json         TEXT,
    updated_at   INTEGER NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('user', 'sync', 'import', 'watcher')),
    PRIMARY KEY (workspace_id, kind, key)
) WITHOUT ROWID;

-- One linear undo history per workspace. *_exists = 0: no draft (the base shows);
-- *_exists = 1 with NULL json: a deletion draft. undone = 1 rows form the redo stack.
CREATE TABLE draft_history (
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    seq           INTEGER NOT NULL,
    kind          TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    before_exists INTEGER NOT NULL CHECK (before_exists IN (0, 1)),
    before_json   TEXT,
    after_exists  INTEGER NOT NULL CHECK (after_exists IN (0, 1)),
    after_json    TEXT,
    undone        INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
    PRIMARY KEY (workspace_id, seq)
) WITHOUT ROWID;

CREATE TABLE change_requests (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('draft', 'open', 'approved', 'rejected', 'merged', 'closed')),
    json         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, key)
);

CREATE TABLE approvals (
    id                INTEGER PRIMARY KEY,
    change_request_id INTEGER NOT NULL REFERENCES change_requests (id) ON DELETE CASCADE,
    approver          TEXT    NOT NULL,
    decision          TEXT    NOT NULL CHECK (decision IN ('approve', 'reject')),
    comment           TEXT,
    at                INTEGER NOT NULL,
    UNIQUE (change_request_id, approver)
);

-- Evaluation contexts the user keeps locally to try flags against.
CREATE TABLE personas (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key          TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    context_json TEXT    NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, key)
) WITHOUT ROWID;

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    source       TEXT    NOT NULL CHECK (source IN ('user', 'sync', 'import', 'watcher')),
    details_json TEXT    NOT NULL
);
CREATE INDEX audit_log_by_workspace_time ON audit_log (workspace_id, at, id);

CREATE TABLE sync_runs (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    status       TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
    summary_json TEXT
);
CREATE INDEX sync_runs_by_workspace_time ON sync_runs (workspace_id, started_at);

CREATE TABLE conflicts (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('project', 'flag', 'segment', 'person', 'policy', 'change', 'persona')),
    key             TEXT    NOT NULL,
    path            TEXT    NOT NULL,
    base_json       TEXT,
    local_json      TEXT,
    remote_json     TEXT,
    detected_at     INTEGER NOT NULL,
    resolved        INTEGER NOT NULL DEFAULT 0 CHECK (resolved IN (0, 1)),
    resolution_json TEXT,
    resolved_at     INTEGER
);
CREATE INDEX conflicts_open_by_workspace ON conflicts (workspace_id, resolved, kind, key);
