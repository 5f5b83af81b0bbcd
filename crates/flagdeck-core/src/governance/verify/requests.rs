//! The change request files of one commit: how each may change, and whether each request the
//! commit publishes applies exactly and is publishable under the parent's policy and people.

use std::collections::BTreeSet;

use super::{Base, Content, Files, Violation};
use crate::format::{self, SourceFile};
use crate::governance::evaluate::evaluate;
use crate::governance::model::{ChangeRequest, Status};
use crate::governance::touched::touched;
use crate::governance::validate::{check_change, check_governance};

/// Checks every `changes/` file that changed and returns the requests this commit publishes
/// (those that turn to `published` in it), whatever their problems: a published request that
/// lists a file is what that file's change is judged by.
pub(super) fn check_requests(
    changed: &[String],
    before: &Files<'_>,
    after: &Files<'_>,
    commit: &[SourceFile],
    base: &Base,
    out: &mut Vec<Violation>,
) -> Vec<ChangeRequest> {
    let mut publishing = Vec::new();
    let mut people_after: Option<BTreeSet<String>> = None;
    // Only `changes/<id>.json` are requests (a README there is nobody's business).
    let requests = changed
        .iter()
        .filter(|p| p.starts_with("changes/") && p.ends_with(".json"));
    for path in requests {
        let old = decode(path, before.get(path)).and_then(Result::ok);
        let new = match decode(path, after.get(path)) {
            None => {
                if old.as_ref().is_some_and(|o| o.status == Status::Published) {
                    out.push(Violation::new(
                        path,
                        "a published change request was deleted; it is the record of what was approved",
                    ));
                }
                continue;
            }
            Some(Err(why)) => {
                out.push(Violation::new(
                    path,
                    format!("is not a valid change request: {why}"),
                ));
                continue;
            }
            Some(Ok(new)) => new,
        };
        let was_published = old.as_ref().is_some_and(|o| o.status == Status::Published);
        if was_published {
            if let Some(old) = &old
                && !only_comments_added(old, &new)
            {
                out.push(Violation::new(
                    path,
                    "was already published; after publication only comments may be added",
                ));
            }
            continue;
        }
        if let Some(old) = &old {
            history_kept(path, old, &new, out);
        }
        if new.status != Status::Published {
            if new.published.is_some() {
                out.push(Violation::new(
                    path,
                    "has a 'published' record but its status is not published",
                ));
            }
            continue;
        }
        let people = people_after.get_or_insert_with(|| {
            check_governance(commit, None)
                .people
                .into_iter()
                .map(|p| p.id)
                .collect()
        });
        check_publishing(path, &new, before, after, base, people, out);
        publishing.push(new);
    }
    publishing
}

/// `None` for an absent file; the decoded request, or why it is not one.
fn decode(path: &str, bytes: Option<&[u8]>) -> Option<Result<ChangeRequest, String>> {
    bytes.map(|b| format::parse::<ChangeRequest>(path, b).map_err(|d| d.message))
}

/// Whether `new` is `old` with comments appended.
fn only_comments_added(old: &ChangeRequest, new: &ChangeRequest) -> bool {
    let mut same = new.clone();
    same.comments.clone_from(&old.comments);
    same == *old && new.comments.starts_with(&old.comments)
}

/// Approvals and comments are a history: they may only grow. Removing a rejection must not
/// clear the way to publishing.
fn history_kept(path: &str, old: &ChangeRequest, new: &ChangeRequest, out: &mut Vec<Violation>) {
    if !new.approvals.starts_with(&old.approvals) {
        out.push(Violation::new(
            path,
            "an earlier approval or rejection was removed or altered; decisions may only be added",
        ));
    }
    if !new.comments.starts_with(&old.comments) {
        out.push(Violation::new(
            path,
            "an earlier comment was removed or altered; comments may only be added",
        ));
    }
}

/// A request this commit publishes: well formed, applied exactly (every listed file is its
/// `before` at the parent and its `after` here), and publishable under the parent's policy and
/// people.
fn check_publishing(
    path: &str,
    cr: &ChangeRequest,
    before: &Files<'_>,
    after: &Files<'_>,
    base: &Base,
    people_after: &BTreeSet<String>,
    out: &mut Vec<Violation>,
) {
    for d in check_change(path, cr, people_after)
        .iter()
        .filter(|d| d.is_error())
    {
        out.push(Violation::new(
            path,
            format!("is not a valid change request: {}", d.message),
        ));
    }
    if cr.published.is_none() {
        out.push(Violation::new(
            path,
            "is published but has no 'published' record of who published it when",
        ));
    }
    for e in &cr.entities {
        if !before.content(&e.path).is(e.before.as_ref()) {
            out.push(Violation::new(
                path,
                format!(
                    "its 'before' of {} is not that file at the parent commit, so it does not apply as approved",
                    e.path
                ),
            ));
        }
        let now = after.content(&e.path);
        if !now.is(e.after.as_ref()) {
            let what = if now == Content::Absent {
                "this commit deletes it"
            } else {
                "this commit writes something else there"
            };
            out.push(Violation::new(
                path,
                format!(
                    "its 'after' of {} is not what this commit has: {what}",
                    e.path
                ),
            ));
        }
    }
    let Ok(policy) = &base.policy else {
        out.push(Violation::new(
            path,
            "published, but policy.json at the parent commit cannot be read, so it cannot be checked",
        ));
        return;
    };
    let report = evaluate(policy, &base.people, cr, &touched(cr, &base.project));
    if !report.publishable {
        let mut message = format!(
            "published, but the policy and people before this commit do not allow it: {}",
            report.reasons.join(" ")
        );
        if !report.notes.is_empty() {
            message.push_str(" Notes: ");
            message.push_str(&report.notes.join(" "));
        }
        out.push(Violation::new(path, message));
    }
}
