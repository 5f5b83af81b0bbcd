//! What json-logic-engine decides while building a rule, done once when a rule is prepared:
//! which parts are constants to compute now (with its interpreter), which failures are build
//! errors, and whether evaluation must keep the `prev` variable its comparisons share.

use super::eval::Evaluator;
use super::logic::{Args, ArithOp, IterOp, ListOp, Node, is_settled};
use super::value::{Env, Val};
use serde_json::Map;

/// Whether json-logic-engine computes `node` while building: deterministic operators whose
/// arguments are all constants. An iterator's body may read its element.
fn is_foldable(node: &Node) -> bool {
    match node {
        Node::Const(_)
        | Node::Var { .. }
        | Node::VarDyn(_)
        | Node::MissingSome { .. }
        | Node::Fractional { .. }
        | Node::BuildError(_)
        | Node::Fail(_) => false,
        Node::Array(items)
        | Node::If(items)
        | Node::IfShort(items)
        | Node::And(items)
        | Node::Or(items)
        | Node::Coalesce(items)
        | Node::Cmp(_, items)
        | Node::Arith(_, items)
        | Node::Cat(items) => items.iter().all(is_settled),
        Node::Not(n) | Node::NotNot(n) | Node::ArithDyn(_, n) | Node::CatDyn(n) => is_settled(n),
        Node::List(op, Args::List(items)) => {
            (op.is_deterministic() && items.iter().all(is_settled))
                || (*op == ListOp::Missing && items.is_empty())
        }
        Node::List(op, Args::One(n)) => op.is_deterministic() && is_settled(n),
        Node::Iter(_, selector, body) => is_settled(selector) && body_is_deterministic(body),
        Node::Reduce(selector, body, init) => {
            is_settled(selector)
                && body_is_deterministic(body)
                && init.as_deref().is_none_or(is_settled)
        }
    }
}

/// An iterator body that reads only its element (no flagd operator, no `missing`).
fn body_is_deterministic(node: &Node) -> bool {
    let args_ok = |args: &Args| match args {
        Args::List(items) => items.iter().all(body_is_deterministic),
        Args::One(n) => body_is_deterministic(n),
    };
    match node {
        Node::Const(_) | Node::Var { .. } | Node::Fail(_) | Node::BuildError(_) => true,
        Node::VarDyn(args) => args_ok(args),
        Node::List(op, args) => op.is_deterministic() && args_ok(args),
        Node::MissingSome { .. } | Node::Fractional { .. } => false,
        Node::Array(items)
        | Node::If(items)
        | Node::IfShort(items)
        | Node::And(items)
        | Node::Or(items)
        | Node::Coalesce(items)
        | Node::Cmp(_, items)
        | Node::Arith(_, items)
        | Node::Cat(items) => items.iter().all(body_is_deterministic),
        Node::Not(n) | Node::NotNot(n) | Node::ArithDyn(_, n) | Node::CatDyn(n) => {
            body_is_deterministic(n)
        }
        Node::Iter(_, s, b) => body_is_deterministic(s) && body_is_deterministic(b),
        Node::Reduce(s, b, i) => {
            body_is_deterministic(s)
                && body_is_deterministic(b)
                && i.as_deref().is_none_or(body_is_deterministic)
        }
    }
}

/// Computes a foldable node now, with json-logic-engine's interpreter (which is what its
/// `build` uses for constants); a throw is a build error.
fn fold(node: Node) -> Node {
    let ctx = Map::new();
    let env = Env {
        ctx: &ctx,
        flag_key: "",
        timestamp: 0,
    };
    let mut evaluator = Evaluator::new(true, false);
    let scope = Val::Root(&env);
    match evaluator.eval(&node, &scope) {
        Ok(value) => Node::Const(value.to_value()),
        Err(e) => Node::BuildError(format!("A constant part of the rule fails: {e}.")),
    }
}

/// Finishes a node as json-logic-engine's `build` would: constants are computed now (a failure
/// stays a `BuildError`, which a lazily computed parent may never reach); a node that is
/// compiled builds its arguments, so a failing constant among them fails the build — except
/// under an `if` of fewer than three arguments, which the engine leaves to its interpreter.
pub(super) fn settle(node: Node) -> Result<Node, String> {
    if is_foldable(&node) {
        return Ok(fold(node));
    }
    if !matches!(node, Node::IfShort(_) | Node::Fail(_) | Node::BuildError(_)) {
        let mut failure = None;
        for_each_child(&node, &mut |child| {
            if let (None, Node::BuildError(message)) = (&failure, child) {
                failure = Some(message.clone());
            }
        });
        if let Some(message) = failure {
            return Err(message);
        }
    }
    Ok(node)
}

/// Calls `f` on each direct sub-expression.
pub(super) fn for_each_child<'n>(node: &'n Node, f: &mut dyn FnMut(&'n Node)) {
    let mut args = |args: &'n Args| match args {
        Args::List(items) => items.iter().for_each(&mut *f),
        Args::One(n) => f(n),
    };
    match node {
        Node::Const(_) | Node::Fail(_) | Node::BuildError(_) => {}
        Node::Var { default, .. } => default.iter().for_each(|d| f(d)),
        Node::VarDyn(a) | Node::List(_, a) => args(a),
        Node::MissingSome { need, options } => {
            f(need);
            f(options);
        }
        Node::Array(items)
        | Node::If(items)
        | Node::IfShort(items)
        | Node::And(items)
        | Node::Or(items)
        | Node::Coalesce(items)
        | Node::Cmp(_, items)
        | Node::Arith(_, items)
        | Node::Cat(items) => items.iter().for_each(f),
        Node::Not(n) | Node::NotNot(n) | Node::ArithDyn(_, n) | Node::CatDyn(n) => f(n),
        Node::Iter(_, s, b) => {
            f(s);
            f(b);
        }
        Node::Reduce(s, b, i) => {
            f(s);
            f(b);
            i.iter().for_each(|i| f(i));
        }
        Node::Fractional { bucket, .. } => bucket.iter().for_each(|b| f(b)),
    }
}

/// Whether evaluating `node` may assign json-logic-engine's `prev` (over-approximated).
fn assigns_prev(node: &Node) -> bool {
    let direct = match node {
        Node::Var { path, .. } => !path.is_empty(),
        Node::And(_) | Node::Or(_) | Node::Cmp(..) | Node::MissingSome { .. } => true,
        Node::ArithDyn(op, _) => matches!(op, ArithOp::Add | ArithOp::Sub | ArithOp::Div),
        Node::Iter(op, ..) => *op == IterOp::All,
        _ => false,
    };
    let mut any = direct;
    for_each_child(node, &mut |child| any = any || assigns_prev(child));
    any
}

/// Whether some comparison has an operand after the first that may reassign `prev`.
pub(super) fn needs_prev(node: &Node) -> bool {
    let here = match node {
        Node::Cmp(_, items) => items.iter().skip(1).any(assigns_prev),
        Node::MissingSome { need, .. } => assigns_prev(need),
        _ => false,
    };
    let mut any = here;
    for_each_child(node, &mut |child| any = any || needs_prev(child));
    any
}
