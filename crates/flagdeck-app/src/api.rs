//! The command surface as data (DESIGN §2): every command a host can send is a variant of
//! [`Request`], `{"command": "listEntities", "args": {...}}`, and [`App::call`] answers it with
//! the command's result as JSON. Both hosts forward requests unchanged — the desktop shell's
//! one Tauri command and `flagdeck serve`'s `POST /api/call` — so they cannot drift apart, and
//! a test of `App::call` is a test of what the window does.
//!
//! The list below is the only place a command is declared: the macro makes the argument types,
//! the dispatch, and the TypeScript map `Commands` (command → args and result) that the UI's
//! `Backend.call` is typed by. `tests/bindings.rs` writes it with the other bindings into
//! `ui/src/lib/bindings/` and fails when the committed files drift.

use std::path::PathBuf;

use serde::Deserialize;
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::error::{AppError, AppResult, ErrorCode};
use crate::{
    App, AuditFilter, AuditFormat, AuditView, ChangeView, ConflictChoice, ConflictView,
    ConnectionTest, CredentialsStatus, DraftChange, EntityListItem, EntityRef, EntityView,
    IdentityStatus, Kind, ListStart, PreviewServerInfo, ProjectInfo, PublishReport, RebucketSample,
    SaveOutcome, SegmentUse, StatusView, SyncOptions, SyncReport, WorkspaceInfo,
};
use flagdeck_core::diag::Diagnostic;
use flagdeck_core::governance::Person;
use flagdeck_core::preview::PreviewResult;
use flagdeck_core::rebucket::RebucketImpact;
use flagdeck_core::schedule::CalendarEntry;
use flagdeck_core::sync_plan::EntityId;

/// Declares the commands: `Name(ArgsType { field: Type, ... }) -> Result = |app, args| body;`.
/// A field may carry attributes (its doc, `#[ts(optional)]` for an argument the UI may leave out).
macro_rules! commands {
    ($(
        $(#[doc = $doc:expr])*
        $name:ident ( $args:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? } )
            -> $result:ty = |$app:ident, $a:pat_param| $body:expr;
    )*) => {
        $(
            #[doc = concat!("Arguments of [`Request::", stringify!($name), "`].")]
            #[derive(Debug, Clone, PartialEq, Deserialize, Serialize, TS)]
            #[serde(rename_all = "camelCase", deny_unknown_fields)]
            pub struct $args { $($(#[$fmeta])* pub $field: $ty),* }
        )*

        /// One command with its arguments, as both hosts receive it.
        #[derive(Debug, Clone, PartialEq, Deserialize, Serialize, TS)]
        #[serde(tag = "command", content = "args", rename_all = "camelCase")]
        pub enum Request { $($(#[doc = $doc])* $name($args),)* }

        impl Request {
            /// The command's name as the UI spells it (`listEntities`).
            pub fn name(&self) -> String {
                match self { $(Request::$name(_) => lower_first(stringify!($name)),)* }
            }
        }

        impl App {
            /// Runs one command. The result is the command's result type as JSON (see the
            /// TypeScript `Commands` map); errors are [`AppError`]s with a code.
            pub fn call(&self, request: Request) -> AppResult<Value> {
                self.answer::<AsValue>(request)
            }

            /// [`App::call`] with the result as JSON text, for the hosts to send as it is:
            /// a 10,000-flag list encoded straight to text never becomes a tree of `Value`s
            /// first (a third of the time and a large transient peak of memory).
            pub fn call_json(&self, request: Request) -> AppResult<String> {
                self.answer::<AsText>(request)
            }

            fn answer<E: Encode>(&self, request: Request) -> AppResult<E::Out> {
                match request {
                    $(Request::$name($a) => {
                        let $app = self;
                        let result: AppResult<$result> = $body;
                        E::encode(&result?)
                    })*
                }
            }
        }

        /// Every result type as a field, so that the types inside `Vec`s and `Option`s count as
        /// dependencies (exported and imported) too.
        #[derive(TS)]
        #[allow(dead_code)]
        struct AllResults($($result,)*);

        /// The TypeScript map from each command to its argument and result types, with the
        /// imports it needs, for `ui/src/lib/bindings/Commands.ts`.
        pub fn commands_typescript() -> String {
            let cfg = bindings_config();
            let mut imports = std::collections::BTreeMap::new();
            let mut entries = String::new();
            // Collected, not chained: a chain two adapters deeper per command overflows the
            // compiler's recursion limit in release builds once there are fifty commands.
            let mut deps = <AllResults as TS>::dependencies(&cfg);
            $(deps.extend(<$args as TS>::dependencies(&cfg));
              deps.extend(ts_rs::Dependency::from_ty::<$args>(&cfg));)*
            for dep in deps {
                let path = dep.output_path.with_extension("");
                imports.insert(dep.ts_name, path.to_string_lossy().replace('\\', "/"));
            }
            $(
                entries.push_str(&format!(
                    "  {}: {{ args: {}; result: {} }};\n",
                    lower_first(stringify!($name)),
                    stringify!($args),
                    <$result as TS>::name(&cfg),
                ));
            )*
            let mut out = String::from(
                "// Generated by flagdeck-app's tests/bindings.rs from src/api.rs. Do not edit.\n",
            );
            for (name, path) in imports {
                out.push_str(&format!("import type {{ {name} }} from \"./{path}\";\n"));
            }
            out.push_str("\n/** Every command of the app: its arguments and its result. */\n");
            out.push_str("export type Commands = {\n");
            out.push_str(&entries);
            out.push_str("};\n\nexport type CommandName = keyof Commands;\n");
            out
        }

        /// Writes the UI's bindings into `dir`: every request and result type with what they
        /// reach, the events and errors, the files the editor edits, and `Commands.ts`.
        pub fn export_bindings(dir: &std::path::Path) -> Result<(), ts_rs::ExportError> {
            let cfg = bindings_config().with_out_dir(dir);
            <Request as TS>::export_all(&cfg)?;
            // Exports what the results reach; the helper type's own file is not for the UI.
            <AllResults as TS>::export_all(&cfg)?;
            std::fs::remove_file(dir.join("AllResults.ts"))?;
            <crate::AppEvent as TS>::export_all(&cfg)?;
            <AppError as TS>::export_all(&cfg)?;
            <flagdeck_core::model::FlagFile as TS>::export_all(&cfg)?;
            <flagdeck_core::model::SegmentFile as TS>::export_all(&cfg)?;
            <flagdeck_core::model::PersonaFile as TS>::export_all(&cfg)?;
            <flagdeck_core::model::ProjectFile as TS>::export_all(&cfg)?;
            std::fs::write(dir.join("Commands.ts"), commands_typescript())?;
            Ok(())
        }
    };
}

/// The bindings' settings: ids and counts fit in a JavaScript number, so `i64` is `number`.
pub fn bindings_config() -> ts_rs::Config {
    ts_rs::Config::new().with_large_int("number")
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// The UI names entities as `EntityId`s; the app's methods take `EntityRef`s.
fn refs(entities: &[EntityId]) -> Vec<EntityRef> {
    entities.iter().map(EntityRef::from_id).collect()
}

/// How [`App::answer`] encodes a command's result.
trait Encode {
    type Out;
    fn encode<T: Serialize>(value: &T) -> AppResult<Self::Out>;
}

/// As a `serde_json::Value`, for callers that read the answer.
struct AsValue;

/// As JSON text, for hosts that only pass it on.
struct AsText;

impl Encode for AsValue {
    type Out = Value;
    fn encode<T: Serialize>(value: &T) -> AppResult<Value> {
        serde_json::to_value(value).map_err(not_encoded)
    }
}

impl Encode for AsText {
    type Out = String;
    fn encode<T: Serialize>(value: &T) -> AppResult<String> {
        serde_json::to_string(value).map_err(not_encoded)
    }
}

fn not_encoded(e: serde_json::Error) -> AppError {
    AppError::new(
        ErrorCode::Storage,
        format!("The answer could not be encoded: {e}"),
    )
}

commands! {
    /// Every workspace, in the order they were added.
    Workspaces(WorkspacesArgs {}) -> Vec<WorkspaceInfo> = |app, _| app.workspaces();
    /// One workspace.
    Workspace(WorkspaceArgs { workspace_id: i64 }) -> WorkspaceInfo =
        |app, a| app.workspace(a.workspace_id);
    /// Clones a Git remote into the app's data folder (progress arrives as `progress` events).
    CreateGitWorkspace(CreateGitWorkspaceArgs { name: String, url: String }) -> WorkspaceInfo =
        |app, a| app.create_git_workspace(&a.name, &a.url);
    /// Opens a folder the user already has (a checkout or a plain project folder), watched for edits.
    OpenFolderWorkspace(OpenFolderWorkspaceArgs { name: String, folder: String }) -> WorkspaceInfo =
        |app, a| app.open_folder_workspace(&a.name, &PathBuf::from(a.folder));
    /// A new project in the app's data folder, empty or the example project.
    CreateLocalWorkspace(CreateLocalWorkspaceArgs { name: String, example: bool }) -> WorkspaceInfo =
        |app, a| app.create_local_workspace(&a.name, a.example);
    /// The demo workspace: a Git repository in the data folder seeded with the example project,
    /// cloned as the git workspace "Demo"; made on the first call, the same one afterwards.
    OpenDemo(OpenDemoArgs {}) -> WorkspaceInfo = |app, _| app.open_demo();
    /// Forgets a workspace (the app's own clone is removed; a user's folder is left alone).
    RemoveWorkspace(RemoveWorkspaceArgs { workspace_id: i64 }) -> () =
        |app, a| app.remove_workspace(a.workspace_id);
    /// The project's environments and attributes, for the editor's tabs and pickers.
    Project(ProjectArgs { workspace_id: i64 }) -> ProjectInfo = |app, a| app.project_info(a.workspace_id);
    /// Every entity of one kind, with its summary and state against the last sync.
    ListEntities(ListEntitiesArgs { workspace_id: i64, kind: Kind }) -> Vec<EntityListItem> =
        |app, a| app.list(a.workspace_id, a.kind);
    /// The first `limit` entities of `listEntities` and how many there are, for a first screenful.
    ListEntitiesStart(ListEntitiesStartArgs { workspace_id: i64, kind: Kind, limit: u32 }) -> ListStart =
        |app, a| app.list_start(a.workspace_id, a.kind, a.limit as usize);
    /// Where a segment is used: flags' rules (per environment) and other segments, as they are now.
    SegmentUsage(SegmentUsageArgs { workspace_id: i64, key: String }) -> Vec<SegmentUse> =
        |app, a| app.segment_usage(a.workspace_id, &a.key);
    /// One entity with its base and problems.
    Entity(EntityArgs { workspace_id: i64, entity: EntityRef }) -> EntityView =
        |app, a| app.entity(a.workspace_id, &a.entity);
    /// Saves an edit as a draft, validated.
    SaveEntity(SaveEntityArgs { workspace_id: i64, entity: EntityRef, json: Value }) -> SaveOutcome =
        |app, a| app.save_entity(a.workspace_id, &a.entity, &a.json);
    /// Deletes an entity (a draft until the next sync).
    DeleteEntity(DeleteEntityArgs { workspace_id: i64, entity: EntityRef }) -> () =
        |app, a| app.delete_entity(a.workspace_id, &a.entity);
    /// Drops an entity's draft; `false` when it had none.
    Discard(DiscardArgs { workspace_id: i64, entity: EntityRef }) -> bool =
        |app, a| app.discard(a.workspace_id, &a.entity);
    /// Undoes the workspace's last edit.
    Undo(UndoArgs { workspace_id: i64 }) -> bool = |app, a| app.undo(a.workspace_id);
    /// Redoes the last undone edit.
    Redo(RedoArgs { workspace_id: i64 }) -> bool = |app, a| app.redo(a.workspace_id);
    /// Every problem of the project as it is now (base and drafts).
    Validate(ValidateArgs { workspace_id: i64 }) -> Vec<Diagnostic> = |app, a| app.validate(a.workspace_id);
    /// Drafts, conflicts and the last sync.
    Status(StatusArgs { workspace_id: i64 }) -> StatusView = |app, a| app.status(a.workspace_id);
    /// Syncs with the remote (or the folder's checkout); `dryRun` only plans.
    Sync(SyncArgs { workspace_id: i64, dry_run: bool }) -> SyncReport =
        |app, a| app.sync(a.workspace_id, &SyncOptions { dry_run: a.dry_run });
    /// Conflicts recorded by syncs, open and resolved. (The workspace is looked up first, so
    /// a missing one is `notFound`, not an empty list.)
    Conflicts(ConflictsArgs { workspace_id: i64 }) -> Vec<ConflictView> =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.conflicts(a.workspace_id));
    /// Answers one conflict.
    ResolveConflict(ResolveConflictArgs { workspace_id: i64, conflict_id: i64, choice: ConflictChoice }) -> ConflictView =
        |app, a| app.resolve_conflict(a.workspace_id, a.conflict_id, &a.choice);
    /// Every schedule step with `from <= at < to` (RFC 3339), drafts included, sorted by `at`,
    /// in words and with warnings (close steps, freezes, unpublished steps in the past).
    Calendar(CalendarArgs { workspace_id: i64, from: String, to: String }) -> Vec<CalendarEntry> =
        |app, a| app.calendar(a.workspace_id, &a.from, &a.to);
    /// The newest entries of the audit log, newest first; the optional filters narrow it (who:
    /// part of the actor's name; action: `change.approved` or a group like `change`;
    /// environment: a key the entry mentions; since/until: unix seconds, inclusive).
    AuditLog(AuditLogArgs {
        workspace_id: i64,
        limit: u32,
        #[ts(optional)] who: Option<String>,
        #[ts(optional)] action: Option<String>,
        #[ts(optional)] environment: Option<String>,
        #[ts(optional)] since: Option<i64>,
        #[ts(optional)] until: Option<i64>,
    }) -> Vec<AuditView> =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.audit_log_filtered(a.workspace_id, a.limit, &AuditFilter {
            who: a.who, action: a.action, environment: a.environment, since: a.since, until: a.until,
        }));
    /// The whole audit log, oldest first, as CSV or JSON text (the UI saves it as a file).
    ExportAudit(ExportAuditArgs { workspace_id: i64, format: AuditFormat }) -> String =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.export_audit(a.workspace_id, a.format));
    /// Every change request of the workspace (synced and local), newest first.
    ChangeRequests(ChangeRequestsArgs { workspace_id: i64 }) -> Vec<ChangeView> =
        |app, a| app.change_requests_newest_first(a.workspace_id);
    /// One change request with the policy's verdict and its changes in sentences.
    ChangeRequest(ChangeRequestArgs { workspace_id: i64, id: String }) -> ChangeView =
        |app, a| app.change_request(a.workspace_id, &a.id);
    /// Every entity with a draft: its changes in sentences and whether it needs a change request.
    DraftChanges(DraftChangesArgs { workspace_id: i64 }) -> Vec<DraftChange> =
        |app, a| app.draft_changes(a.workspace_id);
    /// A change request made from the drafts of `entities`, signed by the user.
    CreateChangeRequest(CreateChangeRequestArgs { workspace_id: i64, title: String, description: Option<String>, entities: Vec<EntityId> }) -> ChangeView =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.create_change_request(a.workspace_id, &a.title, a.description.as_deref(), &refs(&a.entities)));
    /// An emergency change request (publishable without approval where the policy allows it and
    /// it only reduces exposure); the reason is required.
    CreateEmergencyChangeRequest(CreateEmergencyChangeRequestArgs { workspace_id: i64, title: String, reason: String, entities: Vec<EntityId> }) -> ChangeView =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.create_emergency_change_request(a.workspace_id, &a.title, &a.reason, &refs(&a.entities)));
    /// The request holds its entities' current drafts again (its author only; approvals reset).
    UpdateChangeRequest(UpdateChangeRequestArgs { workspace_id: i64, id: String }) -> ChangeView =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.update_change_request(a.workspace_id, &a.id));
    /// Approves the current version of a request with the user's signature.
    ApproveChangeRequest(ApproveChangeRequestArgs { workspace_id: i64, id: String, comment: Option<String> }) -> ChangeView =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.approve(a.workspace_id, &a.id, a.comment.as_deref()));
    /// Rejects the current version of a request.
    RejectChangeRequest(RejectChangeRequestArgs { workspace_id: i64, id: String, comment: Option<String> }) -> ChangeView =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.reject(a.workspace_id, &a.id, a.comment.as_deref()));
    /// Adds the user's comment to a request.
    CommentChangeRequest(CommentChangeRequestArgs { workspace_id: i64, id: String, text: String }) -> ChangeView =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.comment(a.workspace_id, &a.id, &a.text));
    /// Withdraws a request (its author only); its drafts stay drafts.
    WithdrawChangeRequest(WithdrawChangeRequestArgs { workspace_id: i64, id: String }) -> ChangeView =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.withdraw(a.workspace_id, &a.id));
    /// Publishes an approved request in one commit on the remote (a sync first).
    PublishChangeRequest(PublishChangeRequestArgs { workspace_id: i64, id: String }) -> PublishReport =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.publish(a.workspace_id, &a.id));
    /// Who the user is and whether their signing key is in the keyring.
    Identity(IdentityArgs {}) -> IdentityStatus = |app, _| app.identity_status();
    /// Makes the user's identity: a key pair whose private half lives only in the OS keyring.
    CreateIdentity(CreateIdentityArgs { person_id: String, name: String, email: String }) -> Person =
        |app, a| app.create_identity(&a.person_id, &a.name, &a.email);
    /// Drafts `people/<id>.json` with the user's public key; a change request brings it in.
    ProposePerson(ProposePersonArgs { workspace_id: i64 }) -> EntityId =
        |app, a| app.workspace(a.workspace_id).and_then(|_| app.propose_person(a.workspace_id).and_then(|entity| entity.checked()));
    /// The workspace's remote, its user name, and whether a secret is stored for it.
    CredentialsStatus(CredentialsStatusArgs { workspace_id: i64 }) -> CredentialsStatus =
        |app, a| app.credentials_status(a.workspace_id);
    /// Stores the password, token or ssh key for the remote in the OS keyring only.
    SetCredentials(SetCredentialsArgs { workspace_id: i64, secret: String }) -> CredentialsStatus =
        |app, a| app.set_credentials(a.workspace_id, &a.secret);
    /// Removes the stored secret of the remote.
    DeleteCredentials(DeleteCredentialsArgs { workspace_id: i64 }) -> CredentialsStatus =
        |app, a| app.delete_credentials(a.workspace_id);
    /// Asks the remote for its branches with the stored credentials; the outcome in words.
    TestConnection(TestConnectionArgs { workspace_id: i64 }) -> ConnectionTest =
        |app, a| app.test_connection(a.workspace_id);
    /// Starts the workspace's OFREP preview server on 127.0.0.1 (`port`, or a free one).
    PreviewServerStart(PreviewServerStartArgs { workspace_id: i64, port: Option<u16> }) -> PreviewServerInfo =
        |app, a| app.preview_server_start(a.workspace_id, a.port);
    /// Stops the workspace's preview server.
    PreviewServerStop(PreviewServerStopArgs { workspace_id: i64 }) -> () =
        |app, a| app.preview_server_stop(a.workspace_id);
    /// The workspace's preview server, `null` when it is not running.
    PreviewServerStatus(PreviewServerStatusArgs { workspace_id: i64 }) -> Option<PreviewServerInfo> =
        |app, a| app.preview_server_status(a.workspace_id);
    /// Pins a flag to a variation in the preview server (`variation: null` unpins).
    PreviewServerPin(PreviewServerPinArgs { workspace_id: i64, flag: String, variation: Option<String> }) -> PreviewServerInfo =
        |app, a| app.preview_server_pin(a.workspace_id, &a.flag, a.variation.as_deref());
    /// Every flag (or `keys`) for a context at an instant, published and with the drafts, explained.
    Preview(PreviewArgs { workspace_id: i64, context: serde_json::Map<String, Value>, at: i64, environments: Vec<String>, keys: Option<Vec<String>> }) -> PreviewResult =
        |app, a| app.preview(a.workspace_id, &a.context, a.at, &a.environments, a.keys.as_deref());
    /// Which share of a population a flag's drafts move between variations, per environment.
    RebucketImpact(RebucketImpactArgs { workspace_id: i64, key: String, at: i64, sample: RebucketSample }) -> RebucketImpact =
        |app, a| app.rebucket_impact(a.workspace_id, &a.key, a.at, &a.sample);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_read_as_the_ui_sends_them() {
        let request: Request = serde_json::from_value(serde_json::json!({
            "command": "listEntities",
            "args": {"workspaceId": 3, "kind": "flag"}
        }))
        .expect("a list request");
        assert_eq!(
            request,
            Request::ListEntities(ListEntitiesArgs {
                workspace_id: 3,
                kind: Kind::Flag
            })
        );
        assert_eq!(request.name(), "listEntities");
    }

    #[test]
    fn an_unknown_argument_is_refused() {
        let result: Result<Request, _> = serde_json::from_value(serde_json::json!({
            "command": "status", "args": {"workspaceId": 1, "extra": true}
        }));
        assert!(result.is_err(), "a typo in an argument must not be ignored");
    }
}
