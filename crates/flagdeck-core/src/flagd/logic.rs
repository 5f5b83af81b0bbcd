//! JsonLogic prepared once: parsed into a tree with `var` paths split and operators resolved,
//! with constant sub-expressions computed ahead of time as json-logic-engine's `build` does
//! (which is also why `{"<": [1, "x"]}` fails to load rather than to evaluate).

use super::eval::{Evaluator, evaluate_root};
use super::value::{Env, Val};
use serde_json::{Map, Value};

/// How deep a rule may nest (serde_json's parser stops at 128 anyway).
const MAX_DEPTH: usize = 200;

/// A JsonLogic expression prepared for repeated evaluation (see the module docs of
/// [`crate::flagd`] for the dialect).
#[derive(Debug, Clone)]
pub struct Logic {
    pub(crate) root: Node,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    StrictEq,
    StrictNe,
}

impl CmpOp {
    pub fn is_strict(self) -> bool {
        matches!(self, CmpOp::StrictEq | CmpOp::StrictNe)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IterOp {
    Map,
    Filter,
    All,
    Some,
    None,
}

/// Operators that take their arguments evaluated, as one list (json-logic-engine's plain
/// methods, which get `coerceArray(args)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListOp {
    Max,
    Min,
    In,
    Substr,
    Merge,
    Missing,
    StartsWith,
    EndsWith,
    SemVer,
    Fractional,
}

impl ListOp {
    /// flagd's own operators are never computed ahead of time.
    fn is_deterministic(self) -> bool {
        !matches!(
            self,
            ListOp::Missing
                | ListOp::StartsWith
                | ListOp::EndsWith
                | ListOp::SemVer
                | ListOp::Fractional
        )
    }
}

/// Arguments of a [`ListOp`]: a literal list of expressions, or one expression whose value is
/// the list (or the only argument, when it is not an array).
#[derive(Debug, Clone)]
pub(crate) enum Args {
    List(Vec<Node>),
    One(Box<Node>),
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Const(Value),
    /// An array whose elements are expressions.
    Array(Vec<Node>),
    /// `var` with a literal path (empty: the whole context) and an optional default.
    Var {
        path: Box<[String]>,
        default: Option<Box<Node>>,
    },
    /// `var` whose key is computed.
    VarDyn(Args),
    MissingSome {
        need: Box<Node>,
        options: Box<Node>,
    },
    /// `if` with at least three arguments: compiled as nested conditionals.
    If(Vec<Node>),
    /// `if` with fewer: json-logic-engine runs these through its interpreter.
    IfShort(Vec<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Coalesce(Vec<Node>),
    Not(Box<Node>),
    NotNot(Box<Node>),
    Cmp(CmpOp, Vec<Node>),
    Arith(ArithOp, Vec<Node>),
    /// An arithmetic operator applied to one expression (not a literal list).
    ArithDyn(ArithOp, Box<Node>),
    Cat(Vec<Node>),
    CatDyn(Box<Node>),
    List(ListOp, Args),
    Iter(IterOp, Box<Node>, Box<Node>),
    Reduce(Box<Node>, Box<Node>, Option<Box<Node>>),
    /// Always throws when evaluated (a malformed use that json-logic-engine accepts at build).
    Fail(&'static str),
}

impl Logic {
    /// Prepares `rule`. Unknown operators, objects with several keys, and constant
    /// sub-expressions that throw are errors, as json-logic-engine's `build` reports them (flagd
    /// then answers PARSE_ERROR for the flag).
    pub fn compile(rule: &Value) -> Result<Logic, String> {
        Ok(Logic {
            root: compile_node(rule, 0)?,
        })
    }

    /// Evaluates against `ctx`, with `$flagd.flagKey` and `$flagd.timestamp` set as flagd-core
    /// sets them (any `$flagd` in `ctx` is hidden). `Err` is what throws in JavaScript.
    pub fn evaluate(
        &self,
        ctx: &Map<String, Value>,
        flag_key: &str,
        timestamp: i64,
    ) -> Result<Value, String> {
        let env = Env {
            ctx,
            flag_key,
            timestamp,
        };
        evaluate_root(&self.root, &env)
            .map(|v| v.to_value())
            .map_err(|e| e.to_string())
    }

    /// The constant this rule always gives, when it is one.
    pub fn as_const(&self) -> Option<&Value> {
        match &self.root {
            Node::Const(v) => Some(v),
            _ => None,
        }
    }
}

fn compile_node(rule: &Value, depth: usize) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err(format!("The rule nests deeper than {MAX_DEPTH} levels."));
    }
    match rule {
        Value::Array(items) => {
            let nodes = items
                .iter()
                .map(|i| compile_node(i, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            if nodes.iter().all(is_const) {
                Ok(Node::Const(rule.clone()))
            } else {
                Ok(Node::Array(nodes))
            }
        }
        Value::Object(map) => {
            let mut entries = map.iter();
            let Some((op, arg)) = entries.next() else {
                return Ok(Node::Const(rule.clone()));
            };
            if entries.next().is_some() {
                return Err(format!(
                    "An operation must have exactly one key; this one has {}.",
                    map.len()
                ));
            }
            let node = compile_op(op, arg, depth + 1)?;
            fold(node)
        }
        _ => Ok(Node::Const(rule.clone())),
    }
}

fn is_const(node: &Node) -> bool {
    matches!(node, Node::Const(_))
}

fn compile_list(arg: &Value, depth: usize) -> Result<Vec<Node>, String> {
    match arg {
        Value::Array(items) => items.iter().map(|i| compile_node(i, depth)).collect(),
        other => Ok(vec![compile_node(other, depth)?]),
    }
}

/// A plain method's arguments: a list stays a list, a scalar is a list of one, an expression
/// gives its value as the list.
fn compile_args(arg: &Value, depth: usize) -> Result<Args, String> {
    match arg {
        Value::Object(_) => Ok(Args::One(Box::new(compile_node(arg, depth)?))),
        other => Ok(Args::List(compile_list(other, depth)?)),
    }
}

/// A lazy method given something other than a list: json-logic-engine throws when it runs it,
/// at build time when the argument is constant.
fn lazy_non_list(op: &str, arg: &Value, depth: usize) -> Result<Node, String> {
    let node = compile_node(arg, depth)?;
    if is_const(&node) {
        return Err(format!("'{op}' needs a list of arguments."));
    }
    Ok(Node::Fail("invalid arguments"))
}

fn compile_op(op: &str, arg: &Value, depth: usize) -> Result<Node, String> {
    let cmp = |c: CmpOp| compile_cmp(op, c, arg, depth);
    let lazy_list = |arg: &Value| -> Result<Option<Vec<Node>>, String> {
        match arg {
            Value::Array(items) => Ok(Some(
                items
                    .iter()
                    .map(|i| compile_node(i, depth))
                    .collect::<Result<_, _>>()?,
            )),
            _ => Ok(None),
        }
    };
    let node = match op {
        "var" => compile_var(arg, depth)?,
        "missing" => Node::List(ListOp::Missing, compile_args(arg, depth)?),
        "missing_some" => compile_missing_some(arg, depth)?,
        "if" | "?:" => match lazy_list(arg)? {
            Some(args) if args.len() >= 3 => Node::If(args),
            Some(args) => Node::IfShort(args),
            None => lazy_non_list(op, arg, depth)?,
        },
        "and" | "or" | "??" => match lazy_list(arg)? {
            Some(args) if op == "and" => Node::And(args),
            Some(args) if op == "or" => Node::Or(args),
            Some(args) => Node::Coalesce(args),
            None => lazy_non_list(op, arg, depth)?,
        },
        "!" | "not" => Node::Not(Box::new(unary_arg(arg, depth)?)),
        "!!" => Node::NotNot(Box::new(unary_arg(arg, depth)?)),
        "<" => cmp(CmpOp::Lt)?,
        "<=" => cmp(CmpOp::Le)?,
        ">" => cmp(CmpOp::Gt)?,
        ">=" => cmp(CmpOp::Ge)?,
        "==" => cmp(CmpOp::Eq)?,
        "!=" => cmp(CmpOp::Ne)?,
        "===" => cmp(CmpOp::StrictEq)?,
        "!==" => cmp(CmpOp::StrictNe)?,
        "+" => compile_arith(ArithOp::Add, arg, depth)?,
        "-" => compile_arith(ArithOp::Sub, arg, depth)?,
        "*" => compile_arith(ArithOp::Mul, arg, depth)?,
        "/" => compile_arith(ArithOp::Div, arg, depth)?,
        "%" => compile_arith(ArithOp::Mod, arg, depth)?,
        "max" => Node::List(ListOp::Max, compile_args(arg, depth)?),
        "min" => Node::List(ListOp::Min, compile_args(arg, depth)?),
        "in" => Node::List(ListOp::In, compile_args(arg, depth)?),
        "substr" => Node::List(ListOp::Substr, compile_args(arg, depth)?),
        "merge" => Node::List(ListOp::Merge, compile_args(arg, depth)?),
        "cat" => compile_cat(arg, depth)?,
        "preserve" => Node::Const(arg.clone()),
        "map" => compile_iter(op, IterOp::Map, arg, depth)?,
        "filter" => compile_iter(op, IterOp::Filter, arg, depth)?,
        "all" | "every" => compile_iter(op, IterOp::All, arg, depth)?,
        "some" => compile_iter(op, IterOp::Some, arg, depth)?,
        "none" => compile_iter(op, IterOp::None, arg, depth)?,
        "reduce" => compile_reduce(arg, depth)?,
        "starts_with" => Node::List(ListOp::StartsWith, compile_args(arg, depth)?),
        "ends_with" => Node::List(ListOp::EndsWith, compile_args(arg, depth)?),
        "sem_ver" => Node::List(ListOp::SemVer, compile_args(arg, depth)?),
        "fractional" => Node::List(ListOp::Fractional, compile_args(arg, depth)?),
        other => return Err(format!("'{other}' is not a known operator.")),
    };
    Ok(node)
}

/// `!`/`!!` look at the first element of a list, or at the argument itself.
fn unary_arg(arg: &Value, depth: usize) -> Result<Node, String> {
    match arg {
        Value::Array(items) => items
            .first()
            .map_or(Ok(Node::Const(Value::Null)), |i| compile_node(i, depth)),
        other => compile_node(other, depth),
    }
}

fn compile_var(arg: &Value, depth: usize) -> Result<Node, String> {
    let (key, default) = match arg {
        Value::Array(items) if items.len() <= 2 => {
            (items.first().unwrap_or(&Value::Null), items.get(1))
        }
        Value::Array(_) | Value::Object(_) => return Ok(Node::VarDyn(compile_args(arg, depth)?)),
        other => (other, None),
    };
    let path = match key {
        Value::Null => Vec::new(),
        Value::String(s) if s.is_empty() => Vec::new(),
        Value::String(s) => split_path(s),
        Value::Number(n) => split_path(&Val::Num(n.as_f64().unwrap_or(0.0)).to_js_string()),
        _ => return Ok(Node::VarDyn(compile_args(arg, depth)?)),
    };
    let default = match default {
        Some(d) if path.is_empty() => {
            compile_node(d, depth)?;
            None
        }
        Some(d) => Some(Box::new(compile_node(d, depth)?)),
        None => None,
    };
    Ok(Node::Var {
        path: path.into_boxed_slice(),
        default,
    })
}

/// json-logic-engine's `splitPath`: `.` separates, `\.` is a literal dot, `\\` a backslash.
pub(crate) fn split_path(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars().peekable();
    let mut units = 0usize;
    while let Some(c) = chars.next() {
        units += c.len_utf16();
        match c {
            '\\' => match chars.peek() {
                Some(&next @ ('.' | '/' | '\\')) => {
                    units += 1;
                    chars.next();
                    current.push(next);
                }
                _ => current.push('\\'),
            },
            '.' => parts.push(std::mem::take(&mut current)),
            other => current.push(other),
        }
    }
    // "." is [''], not ['', ''] (the engine compares the part count to the length).
    if parts.len() != units {
        parts.push(current);
    }
    parts
}

fn compile_missing_some(arg: &Value, depth: usize) -> Result<Node, String> {
    match arg {
        Value::Array(items) => {
            let need = compile_node(items.first().unwrap_or(&Value::Null), depth)?;
            let options = compile_node(items.get(1).unwrap_or(&Value::Null), depth)?;
            Ok(Node::MissingSome {
                need: Box::new(need),
                options: Box::new(options),
            })
        }
        _ => Ok(Node::Fail("invalid arguments")),
    }
}

fn compile_cmp(op: &str, c: CmpOp, arg: &Value, depth: usize) -> Result<Node, String> {
    match arg {
        Value::Array(items) if items.len() >= 2 => Ok(Node::Cmp(
            c,
            items
                .iter()
                .map(|i| compile_node(i, depth))
                .collect::<Result<_, _>>()?,
        )),
        Value::Array(items) => {
            let nodes = items
                .iter()
                .map(|i| compile_node(i, depth))
                .collect::<Result<Vec<_>, _>>()?;
            if nodes.iter().all(is_const) {
                return Err(format!("'{op}' needs at least two arguments."));
            }
            Ok(Node::Fail("invalid arguments"))
        }
        other => lazy_non_list(op, other, depth),
    }
}

fn compile_arith(op: ArithOp, arg: &Value, depth: usize) -> Result<Node, String> {
    let items: Vec<&Value> = match arg {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => return Ok(Node::ArithDyn(op, Box::new(compile_node(arg, depth)?))),
        scalar => vec![scalar],
    };
    match op {
        ArithOp::Sub | ArithOp::Div if items.is_empty() => {
            return Err("This arithmetic needs an argument.".into());
        }
        ArithOp::Mod if items.len() < 2 => return Err("'%' needs two arguments.".into()),
        _ => {}
    }
    let reciprocal = op == ArithOp::Div && items.len() == 1;
    let mut nodes = Vec::with_capacity(items.len() + 1);
    if reciprocal {
        nodes.push(Node::Const(Value::from(1)));
    }
    for item in &items {
        let node = compile_node(item, depth)?;
        check_number_literal(op, nodes.len(), &node, item)?;
        nodes.push(node);
    }
    Ok(Node::Arith(op, nodes))
}

/// json-logic-engine converts literal operands while building: a literal list, a string that
/// is not a number, or a zero divisor fail the build (a computed list fails when evaluated).
fn check_number_literal(op: ArithOp, index: usize, node: &Node, raw: &Value) -> Result<(), String> {
    if raw.is_array() || raw.as_object().is_some_and(Map::is_empty) {
        return Err("Arithmetic on a list or an object is not a number.".into());
    }
    let Node::Const(v) = node else { return Ok(()) };
    let zero = match v {
        Value::String(s) => {
            let n = super::js::str_to_number(s);
            if n.is_nan() {
                return Err(format!("Arithmetic on \"{s}\", which is not a number."));
            }
            n == 0.0
        }
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    };
    if op == ArithOp::Div && index > 0 && zero {
        return Err("Division by zero.".into());
    }
    Ok(())
}

fn compile_cat(arg: &Value, depth: usize) -> Result<Node, String> {
    match arg {
        Value::Array(items) => Ok(Node::Cat(
            items
                .iter()
                .map(|i| compile_node(i, depth))
                .collect::<Result<_, _>>()?,
        )),
        Value::Object(_) => Ok(Node::CatDyn(Box::new(compile_node(arg, depth)?))),
        scalar => Ok(Node::Cat(vec![compile_node(scalar, depth)?])),
    }
}

fn compile_iter(op: &str, kind: IterOp, arg: &Value, depth: usize) -> Result<Node, String> {
    let Value::Array(items) = arg else {
        return Err(format!("'{op}' needs a list and an expression."));
    };
    let selector = compile_node(items.first().unwrap_or(&Value::Null), depth)?;
    let body = compile_node(items.get(1).unwrap_or(&Value::Null), depth)?;
    Ok(Node::Iter(kind, Box::new(selector), Box::new(body)))
}

fn compile_reduce(arg: &Value, depth: usize) -> Result<Node, String> {
    let Value::Array(items) = arg else {
        return Err("'reduce' needs a list, an expression and an initial value.".into());
    };
    let selector = compile_node(items.first().unwrap_or(&Value::Null), depth)?;
    let body = compile_node(items.get(1).unwrap_or(&Value::Null), depth)?;
    let init = items.get(2).map(|i| compile_node(i, depth)).transpose()?;
    Ok(Node::Reduce(
        Box::new(selector),
        Box::new(body),
        init.map(Box::new),
    ))
}

/// Whether json-logic-engine computes `node` while building: deterministic operators whose
/// arguments are all constants. An iterator's body may read its element.
fn is_foldable(node: &Node) -> bool {
    match node {
        Node::Const(_)
        | Node::Var { .. }
        | Node::VarDyn(_)
        | Node::MissingSome { .. }
        | Node::Fail(_) => false,
        Node::Array(items)
        | Node::If(items)
        | Node::IfShort(items)
        | Node::And(items)
        | Node::Or(items)
        | Node::Coalesce(items)
        | Node::Cmp(_, items)
        | Node::Arith(_, items)
        | Node::Cat(items) => items.iter().all(is_const),
        Node::Not(n) | Node::NotNot(n) | Node::ArithDyn(_, n) | Node::CatDyn(n) => is_const(n),
        Node::List(op, Args::List(items)) => {
            (op.is_deterministic() && items.iter().all(is_const))
                || (*op == ListOp::Missing && items.is_empty())
        }
        Node::List(op, Args::One(n)) => op.is_deterministic() && is_const(n),
        Node::Iter(_, selector, body) => is_const(selector) && body_is_deterministic(body),
        Node::Reduce(selector, body, init) => {
            is_const(selector)
                && body_is_deterministic(body)
                && init.as_deref().is_none_or(is_const)
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
        Node::Const(_) | Node::Var { .. } | Node::Fail(_) => true,
        Node::VarDyn(args) => args_ok(args),
        Node::List(op, args) => op.is_deterministic() && args_ok(args),
        Node::MissingSome { .. } => false,
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
fn fold(node: Node) -> Result<Node, String> {
    if !is_foldable(&node) {
        return Ok(node);
    }
    let ctx = Map::new();
    let env = Env {
        ctx: &ctx,
        flag_key: "",
        timestamp: 0,
    };
    let mut evaluator = Evaluator::new(true);
    let scope = Val::Root(&env);
    let value = evaluator
        .eval(&node, &scope)
        .map_err(|e| format!("A constant part of the rule fails: {e}."))?;
    Ok(Node::Const(value.to_value()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_like_json_logic_engine() {
        assert_eq!(split_path("a.b.c"), ["a", "b", "c"]);
        assert_eq!(split_path("a\\.b.c"), ["a.b", "c"]);
        assert_eq!(split_path("a\\\\.b.c"), ["a\\", "b", "c"]);
        assert_eq!(split_path("hello\\"), ["hello\\"]);
        assert_eq!(split_path("."), [""]);
        assert_eq!(split_path(".h"), ["", "h"]);
        assert_eq!(split_path(".."), ["", ""]);
        assert_eq!(split_path("..h"), ["", "", "h"]);
    }
}
