//! Evaluation of a prepared rule, following the code json-logic-engine 5.0.7 generates in its
//! compiled mode, which flagd-core uses — down to its shared `prev` variable: a comparison
//! checks its right operand against the last value assigned to `prev`, and an operand that reads
//! a `var` reassigns it (so `{"<": [1, {"var": "x"}]}` with `x = "abc"` is `false`, while
//! `{"<": [{"var": "x"}, 1]}` throws).

use super::logic::{Args, ArithOp, CmpOp, IterOp, ListOp, Node};
use super::ops;
use super::value::{Env, Lookup, Val, js_compare, loose_eq, strict_eq};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::rc::Rc;

/// What throws in JavaScript (flagd then answers ERROR/GENERAL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalError(pub &'static str);

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

pub type EvalResult<'a> = Result<Val<'a>, EvalError>;

const NAN: EvalError = EvalError("the rule computes a value that is not a number");
const INVALID: EvalError = EvalError("an operator got invalid arguments");

pub(crate) fn evaluate_root<'a>(node: &'a Node, env: &'a Env<'a>) -> EvalResult<'a> {
    let mut evaluator = Evaluator::new(false);
    evaluator.eval(node, &Val::Root(env))
}

pub(crate) struct Evaluator<'a> {
    /// json-logic-engine's `prev` (compiled mode only).
    prev: Val<'a>,
    /// Running as json-logic-engine's interpreter (constants, short `if`s), which differs from
    /// its compiled code in a few places: `cat` skips null, `var` defaults only undefined.
    interpreted: bool,
}

impl<'a> Evaluator<'a> {
    pub fn new(interpreted: bool) -> Self {
        Self {
            prev: Val::Null,
            interpreted,
        }
    }

    pub fn eval(&mut self, node: &'a Node, scope: &Val<'a>) -> EvalResult<'a> {
        match node {
            Node::Const(v) => Ok(Val::from_json(v)),
            Node::Array(items) => {
                let values = items
                    .iter()
                    .map(|i| self.eval(i, scope))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Val::Arr(Rc::new(values)))
            }
            Node::Var { path, default } => self.var(path, default.as_deref(), scope),
            Node::VarDyn(args) => self.var_dyn(args, scope),
            Node::MissingSome { need, options } => self.missing_some(need, options, scope),
            Node::If(items) => self.if_chain(items, scope),
            Node::IfShort(items) => self.if_short(items, scope),
            Node::And(items) => self.and_or(items, scope, false),
            Node::Or(items) => self.and_or(items, scope, true),
            Node::Coalesce(items) => self.coalesce(items, scope),
            Node::Not(n) => Ok(Val::Bool(!self.eval(n, scope)?.truthy())),
            Node::NotNot(n) => Ok(Val::Bool(self.eval(n, scope)?.truthy())),
            Node::Cmp(op, items) => self.compare(*op, items, scope),
            Node::Arith(op, items) => self.arith(*op, items, scope),
            Node::ArithDyn(op, n) => self.arith_dyn(*op, n, scope),
            Node::Cat(items) => self.cat(items, scope),
            Node::CatDyn(n) => cat_method(&self.eval(n, scope)?),
            Node::List(op, args) => self.list(*op, args, scope),
            Node::Iter(op, selector, body) => self.iterate(*op, selector, body, scope),
            Node::Reduce(selector, body, init) => {
                self.reduce(selector, body, init.as_deref(), scope)
            }
            Node::Fail(message) => Err(EvalError(message)),
        }
    }

    fn set_prev(&mut self, v: &Val<'a>) {
        if !self.interpreted {
            self.prev = v.clone();
        }
    }

    /// `context?.[a]?.[b] ?? default`: missing or null gives the default.
    fn var(
        &mut self,
        path: &'a [String],
        default: Option<&'a Node>,
        scope: &Val<'a>,
    ) -> EvalResult<'a> {
        if path.is_empty() {
            return Ok(scope.clone());
        }
        let found = walk(scope, path.iter().map(String::as_str));
        let value = match found {
            Lookup::Found(Val::Null) if self.interpreted => Val::Null,
            Lookup::Found(Val::Null) | Lookup::Undefined => match default {
                Some(d) => self.eval(d, scope)?,
                None => Val::Null,
            },
            Lookup::Found(v) => v,
            Lookup::Function => Val::Null,
        };
        self.set_prev(&value);
        Ok(value)
    }

    /// `var` with a computed key: json-logic-engine's `var` method.
    fn var_dyn(&mut self, args: &'a Args, scope: &Val<'a>) -> EvalResult<'a> {
        let arg = match args {
            Args::One(n) => self.eval(n, scope)?,
            Args::List(items) => {
                let values = items
                    .iter()
                    .map(|i| self.eval(i, scope))
                    .collect::<Result<Vec<_>, _>>()?;
                Val::Arr(Rc::new(values))
            }
        };
        let (key, default) = match arg.array_len() {
            Some(_) => (
                arg.element(0).unwrap_or(Val::Null),
                arg.element(1).unwrap_or(Val::Null),
            ),
            None => (arg, Val::Null),
        };
        let key = match &key {
            Val::Null => return Ok(scope.clone()),
            Val::Str(s) if s.is_empty() => return Ok(scope.clone()),
            other => other.to_js_string(),
        };
        let path = super::logic::split_path(&key);
        Ok(match walk(scope, path.iter().map(String::as_str)) {
            Lookup::Found(v) => v,
            Lookup::Undefined => default,
            Lookup::Function => Val::Null,
        })
    }

    fn missing_some(
        &mut self,
        need: &'a Node,
        options: &'a Node,
        scope: &Val<'a>,
    ) -> EvalResult<'a> {
        let need = self.eval(need, scope)?;
        let options = self.eval(options, scope)?;
        let keys = options.elements().ok_or(INVALID)?;
        let missing = missing_keys(&keys, scope);
        let present = keys.len() as f64 - missing.array_len().unwrap_or(0) as f64;
        self.set_prev(&missing);
        if js_compare(&Val::Num(present), &need) == Some(Ordering::Less) {
            Ok(missing)
        } else {
            Ok(Val::Arr(Rc::new(Vec::new())))
        }
    }

    fn if_chain(&mut self, items: &'a [Node], scope: &Val<'a>) -> EvalResult<'a> {
        let mut pairs = items.chunks_exact(2);
        for pair in &mut pairs {
            if let [condition, then] = pair
                && self.eval(condition, scope)?.truthy()
            {
                return self.eval(then, scope);
            }
        }
        match pairs.remainder() {
            [otherwise] => self.eval(otherwise, scope),
            _ => Ok(Val::Null),
        }
    }

    /// An `if` with fewer than three arguments runs in json-logic-engine's interpreter.
    fn if_short(&mut self, items: &'a [Node], scope: &Val<'a>) -> EvalResult<'a> {
        let was = std::mem::replace(&mut self.interpreted, true);
        let result = match items {
            [only] => self.eval(only, scope),
            [condition, then] => match self.eval(condition, scope) {
                Ok(c) if c.truthy() => self.eval(then, scope),
                Ok(_) => Ok(Val::Null),
                Err(e) => Err(e),
            },
            _ => Ok(Val::Null),
        };
        self.interpreted = was;
        result
    }

    fn and_or(&mut self, items: &'a [Node], scope: &Val<'a>, is_or: bool) -> EvalResult<'a> {
        let mut last = Val::Null;
        for item in items {
            last = self.eval(item, scope)?;
            self.set_prev(&last);
            if last.truthy() == is_or {
                return Ok(last);
            }
        }
        Ok(last)
    }

    fn coalesce(&mut self, items: &'a [Node], scope: &Val<'a>) -> EvalResult<'a> {
        let mut last = Val::Null;
        for item in items {
            last = self.eval(item, scope)?;
            if !last.is_null() {
                return Ok(last);
            }
        }
        Ok(last)
    }

    fn compare(&mut self, op: CmpOp, items: &'a [Node], scope: &Val<'a>) -> EvalResult<'a> {
        if self.interpreted {
            return self.compare_interpreted(op, items, scope);
        }
        let strict = op.is_strict();
        let (Some(first), Some(second)) = (items.first(), items.get(1)) else {
            return Err(INVALID);
        };
        // ((prev = A) OP compareCheck(B, prev)): B may reassign prev before the check reads it.
        let a = self.eval(first, scope)?;
        self.prev = a.clone();
        let b = self.eval(second, scope)?;
        let checked = compare_check(&b, &self.prev, strict)?;
        let holds = apply(op, &a, &checked);
        if items.len() == 2 || !holds {
            return Ok(Val::Bool(holds));
        }
        self.prev = checked;
        for item in items.get(2..).unwrap_or(&[]) {
            let left = self.prev.clone();
            let v = self.eval(item, scope)?;
            let checked = compare_check(&v, &self.prev, strict)?;
            self.prev = checked.clone();
            if !apply(op, &left, &checked) {
                return Ok(Val::Bool(false));
            }
        }
        Ok(Val::Bool(true))
    }

    /// The interpreter compares each neighbouring pair, converting both sides to numbers
    /// unless both are strings or null.
    fn compare_interpreted(
        &mut self,
        op: CmpOp,
        items: &'a [Node],
        scope: &Val<'a>,
    ) -> EvalResult<'a> {
        let values = items
            .iter()
            .map(|i| self.eval(i, scope))
            .collect::<Result<Vec<_>, _>>()?;
        for pair in values.windows(2) {
            if let [a, b] = pair
                && !interpreted_pair(op, a, b)?
            {
                return Ok(Val::Bool(false));
            }
        }
        Ok(Val::Bool(values.len() >= 2))
    }

    fn arith(&mut self, op: ArithOp, items: &'a [Node], scope: &Val<'a>) -> EvalResult<'a> {
        let mut acc = match op {
            ArithOp::Mul => 1.0,
            _ => 0.0,
        };
        for (i, item) in items.iter().enumerate() {
            let n = coerce_number(&self.eval(item, scope)?)?;
            acc = match (op, i) {
                (ArithOp::Add, _) => acc + n,
                (ArithOp::Mul, _) => acc * n,
                (_, 0) => n,
                (ArithOp::Sub, _) => acc - n,
                (ArithOp::Div, _) if n == 0.0 => return Err(NAN),
                (ArithOp::Div, _) => acc / n,
                (ArithOp::Mod, _) => acc % n,
            };
        }
        if op == ArithOp::Sub && items.len() == 1 {
            acc = -acc;
        }
        if acc.is_nan() {
            Err(NAN)
        } else {
            Ok(Val::Num(acc))
        }
    }

    /// Arithmetic over one expression's value (`{"+": {"var": "list"}}`).
    fn arith_dyn(&mut self, op: ArithOp, node: &'a Node, scope: &Val<'a>) -> EvalResult<'a> {
        let v = self.eval(node, scope)?;
        if matches!(op, ArithOp::Add | ArithOp::Sub | ArithOp::Div) {
            self.set_prev(&v);
        }
        let Some(items) = v.elements() else {
            return match op {
                ArithOp::Add => non_nan(coerce_number(&v)?),
                ArithOp::Sub => non_nan(-coerce_number(&v)?),
                _ => Err(INVALID),
            };
        };
        let numbers = items
            .iter()
            .map(coerce_number)
            .collect::<Result<Vec<_>, _>>()?;
        let mut rest = numbers.iter().copied();
        let result = match op {
            ArithOp::Add => numbers.iter().sum(),
            ArithOp::Mul => numbers.iter().product(),
            ArithOp::Sub if numbers.len() == 1 => -numbers.first().copied().unwrap_or(0.0),
            ArithOp::Div if numbers.len() == 1 => {
                1.0 / nonzero(numbers.first().copied().unwrap_or(0.0))?
            }
            ArithOp::Mod if numbers.len() < 2 => return Err(INVALID),
            _ => {
                let first = rest.next().ok_or(INVALID)?;
                let mut acc = first;
                for n in rest {
                    acc = match op {
                        ArithOp::Sub => acc - n,
                        ArithOp::Div => acc / nonzero(n)?,
                        _ => acc % n,
                    };
                }
                acc
            }
        };
        Ok(Val::Num(result))
    }

    fn cat(&mut self, items: &'a [Node], scope: &Val<'a>) -> EvalResult<'a> {
        if let [only] = items {
            let v = self.eval(only, scope)?;
            if let Val::Str(_) = v {
                return Ok(v);
            }
            if self.interpreted && v.is_null() {
                return Ok(Val::Str(Cow::Borrowed("")));
            }
            return Ok(Val::Str(v.to_js_string()));
        }
        let mut out = String::new();
        for item in items {
            let v = self.eval(item, scope)?;
            if !(self.interpreted && v.is_null()) {
                v.write_js_string(&mut out);
            }
        }
        Ok(Val::Str(Cow::Owned(out)))
    }

    fn list(&mut self, op: ListOp, args: &'a Args, scope: &Val<'a>) -> EvalResult<'a> {
        if op == ListOp::Fractional
            && !self.interpreted
            && let Args::List(items) = args
            && let Some(Node::Cat(parts)) = items.first()
        {
            return self.fractional_cat(parts, items.get(1..).unwrap_or(&[]), scope);
        }
        match args {
            Args::List(items) if items.len() <= 4 => {
                let mut buf = [Val::Null, Val::Null, Val::Null, Val::Null];
                for (slot, item) in buf.iter_mut().zip(items) {
                    *slot = self.eval(item, scope)?;
                }
                self.apply_list(op, buf.get(..items.len()).unwrap_or(&[]), scope)
            }
            Args::List(items) => {
                let values = items
                    .iter()
                    .map(|i| self.eval(i, scope))
                    .collect::<Result<Vec<_>, _>>()?;
                self.apply_list(op, &values, scope)
            }
            Args::One(node) => {
                let v = self.eval(node, scope)?;
                let values = v.elements().unwrap_or_else(|| vec![v]);
                self.apply_list(op, &values, scope)
            }
        }
    }

    fn apply_list(&mut self, op: ListOp, args: &[Val<'a>], scope: &Val<'a>) -> EvalResult<'a> {
        match op {
            ListOp::In => ops::includes(
                args.first().unwrap_or(&Val::Null),
                args.get(1).unwrap_or(&Val::Null),
            ),
            ListOp::StartsWith => Ok(ops::affix(args, true)),
            ListOp::EndsWith => Ok(ops::affix(args, false)),
            ListOp::SemVer => Ok(ops::sem_ver(args)),
            ListOp::Fractional => Ok(self.fractional(args, scope)),
            ListOp::Max => ops::extreme(args, true),
            ListOp::Min => ops::extreme(args, false),
            ListOp::Substr => ops::substr(args),
            ListOp::Merge => Ok(ops::merge(args)),
            ListOp::Missing => Ok(missing_keys(args, scope)),
        }
    }

    /// `fractional` with a bucket value: the given string, else flagd's
    /// `${flagKey}${targetingKey}` when the targeting key is truthy.
    fn fractional(&self, args: &[Val<'a>], scope: &Val<'a>) -> Val<'a> {
        if let Some(Val::Str(value)) = args.first() {
            return ops::fractional(&[value.as_bytes()], args.get(1..).unwrap_or(&[]));
        }
        let Some(flag_key) = flagd_flag_key(scope) else {
            return Val::Null;
        };
        let key = match scope.get("targetingKey") {
            Lookup::Found(v) if v.js_truthy() => v.to_js_string(),
            _ => return Val::Null,
        };
        ops::fractional(&[flag_key.as_bytes(), key.as_bytes()], args)
    }

    /// `fractional` whose bucket value is a `cat`: hashes the pieces without joining them.
    fn fractional_cat(
        &mut self,
        parts: &'a [Node],
        entries: &'a [Node],
        scope: &Val<'a>,
    ) -> EvalResult<'a> {
        if parts.len() > 4 {
            let joined = self.cat(parts, scope)?;
            let entries = entries
                .iter()
                .map(|i| self.eval(i, scope))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(match joined {
                Val::Str(s) => ops::fractional(&[s.as_bytes()], &entries),
                _ => Val::Null,
            });
        }
        let mut pieces: [Cow<'a, str>; 4] = Default::default();
        for (slot, part) in pieces.iter_mut().zip(parts) {
            *slot = self.eval(part, scope)?.to_js_string();
        }
        let mut buf = [Val::Null, Val::Null, Val::Null, Val::Null];
        let values: Vec<Val<'a>>;
        let entries: &[Val<'a>] = if entries.len() <= 4 {
            for (slot, item) in buf.iter_mut().zip(entries) {
                *slot = self.eval(item, scope)?;
            }
            buf.get(..entries.len()).unwrap_or(&[])
        } else {
            values = entries
                .iter()
                .map(|i| self.eval(i, scope))
                .collect::<Result<Vec<_>, _>>()?;
            &values
        };
        let bytes: [&[u8]; 4] = [
            pieces[0].as_bytes(),
            pieces[1].as_bytes(),
            pieces[2].as_bytes(),
            pieces[3].as_bytes(),
        ];
        Ok(ops::fractional(&bytes, entries))
    }

    fn iterate(
        &mut self,
        op: IterOp,
        selector: &'a Node,
        body: &'a Node,
        scope: &Val<'a>,
    ) -> EvalResult<'a> {
        let list = self.eval(selector, scope)?;
        if op == IterOp::All {
            self.set_prev(&list);
            if list.array_len() == Some(0) {
                return Ok(Val::Bool(false));
            }
        }
        let items = iterable(&list)?;
        let saved = std::mem::replace(&mut self.prev, Val::Null);
        let result = self.iterate_items(op, items, body);
        self.prev = saved;
        result
    }

    fn iterate_items(&mut self, op: IterOp, items: Vec<Val<'a>>, body: &'a Node) -> EvalResult<'a> {
        let mut kept = Vec::new();
        for item in items {
            self.prev = Val::Null;
            let result = self.eval(body, &item)?;
            match op {
                IterOp::Map => kept.push(result),
                IterOp::Filter if result.truthy() => kept.push(item),
                IterOp::Filter => {}
                IterOp::All if !result.truthy() => return Ok(Val::Bool(false)),
                IterOp::Some if result.truthy() => return Ok(Val::Bool(true)),
                IterOp::None if result.truthy() => return Ok(Val::Bool(false)),
                IterOp::All | IterOp::Some | IterOp::None => {}
            }
        }
        Ok(match op {
            IterOp::Map | IterOp::Filter => Val::Arr(Rc::new(kept)),
            IterOp::All | IterOp::None => Val::Bool(true),
            IterOp::Some => Val::Bool(false),
        })
    }

    fn reduce(
        &mut self,
        selector: &'a Node,
        body: &'a Node,
        init: Option<&'a Node>,
        scope: &Val<'a>,
    ) -> EvalResult<'a> {
        let list = self.eval(selector, scope)?;
        let mut items = iterable(&list)?.into_iter();
        let mut acc = match init {
            Some(node) => check_depth(self.eval(node, scope)?)?,
            None => items
                .next()
                .ok_or(EvalError("reduce of an empty list with no initial value"))?,
        };
        let saved = std::mem::replace(&mut self.prev, Val::Null);
        for item in items {
            self.prev = Val::Null;
            let pair = Val::Acc(Rc::new((acc, item)));
            acc = match self.eval(body, &pair).and_then(check_depth) {
                Ok(v) => v,
                Err(e) => {
                    self.prev = saved;
                    return Err(e);
                }
            };
        }
        self.prev = saved;
        Ok(acc)
    }
}

/// Follows a split path from `scope`.
fn walk<'a, 'p>(scope: &Val<'a>, path: impl Iterator<Item = &'p str>) -> Lookup<'a> {
    let mut current = scope.clone();
    for part in path {
        match current.get(part) {
            Lookup::Found(v) => current = v,
            other => return other,
        }
    }
    Lookup::Found(current)
}

/// json-logic-engine's `missing`: keys whose path meets a falsy value or undefined.
fn missing_keys<'a>(keys: &[Val<'a>], scope: &Val<'a>) -> Val<'a> {
    let mut missing = Vec::new();
    for key in keys {
        let path = super::logic::split_path(&key.to_js_string());
        let mut data = scope.clone();
        let mut found = true;
        for part in &path {
            if !data.js_truthy() {
                found = false;
                break;
            }
            match data.get(part) {
                Lookup::Found(v) => data = v,
                Lookup::Function => data = Val::Bool(true),
                Lookup::Undefined => {
                    found = false;
                    break;
                }
            }
        }
        if !found {
            missing.push(key.clone());
        }
    }
    Val::Arr(Rc::new(missing))
}

fn flagd_flag_key<'a>(scope: &Val<'a>) -> Option<Cow<'a, str>> {
    match scope.get("$flagd") {
        Lookup::Found(flagd) if flagd.js_truthy() => match flagd.get("flagKey") {
            Lookup::Found(Val::Null) | Lookup::Undefined => Some(Cow::Borrowed("undefined")),
            Lookup::Found(v) => Some(v.to_js_string()),
            Lookup::Function => None,
        },
        _ => None,
    }
}

/// `(list || [])` for an iterator: falsy is empty, anything but an array throws.
fn iterable<'a>(list: &Val<'a>) -> Result<Vec<Val<'a>>, EvalError> {
    if !list.js_truthy() {
        return Ok(Vec::new());
    }
    list.elements().ok_or(EvalError("an iterator needs a list"))
}

/// json-logic-engine's `assertAllowedDepth(x, 0)` on `reduce`'s accumulator.
fn check_depth(v: Val<'_>) -> EvalResult<'_> {
    let nested = match &v {
        Val::Json(serde_json::Value::Array(items)) => {
            items.iter().any(|i| i.is_array() || i.is_object())
        }
        Val::Json(serde_json::Value::Object(map)) => {
            map.values().any(|i| i.is_array() || i.is_object())
        }
        Val::Arr(items) => items.iter().any(Val::is_object),
        _ => false,
    };
    if nested {
        Err(EvalError("reduce's accumulator nests too deep"))
    } else {
        Ok(v)
    }
}

/// `cat` given one expression: json-logic-engine's `cat` method.
fn cat_method<'a>(v: &Val<'a>) -> EvalResult<'a> {
    if let Val::Str(_) = v {
        return Ok(v.clone());
    }
    if let Some(items) = v.elements() {
        let mut out = String::new();
        for item in items.iter().filter(|i| !i.is_null()) {
            item.write_js_string(&mut out);
        }
        return Ok(Val::Str(Cow::Owned(out)));
    }
    if v.is_null() {
        return Err(EvalError("cat of null"));
    }
    Ok(Val::Str(v.to_js_string()))
}

/// json-logic-engine's `precoerceNumber` followed by `+x`: objects and NaN throw.
fn coerce_number(v: &Val<'_>) -> Result<f64, EvalError> {
    if v.is_object() {
        return Err(NAN);
    }
    Ok(v.to_number())
}

fn non_nan<'a>(n: f64) -> EvalResult<'a> {
    if n.is_nan() {
        Err(NAN)
    } else {
        Ok(Val::Num(n))
    }
}

fn nonzero(n: f64) -> Result<f64, EvalError> {
    if n == 0.0 || n.is_nan() {
        Err(NAN)
    } else {
        Ok(n)
    }
}

/// json-logic-engine's `compareCheck(item, prev, strict)`.
fn compare_check<'a>(item: &Val<'a>, prev: &Val<'a>, strict: bool) -> EvalResult<'a> {
    if strict || (item.is_str_or_null() && prev.is_str_or_null()) {
        return Ok(item.clone());
    }
    if coerce_number(item)?.is_nan() && !prev.is_null() {
        return Err(NAN);
    }
    if coerce_number(prev)?.is_nan() {
        return Err(NAN);
    }
    if prev.is_null() && !item.js_truthy() {
        return Ok(Val::Null);
    }
    if item.is_null() && !prev.js_truthy() {
        return Ok(Val::Num(0.0));
    }
    Ok(item.clone())
}

fn interpreted_pair(op: CmpOp, a: &Val<'_>, b: &Val<'_>) -> Result<bool, EvalError> {
    if op.is_strict() || (a.is_str_or_null() && b.is_str_or_null()) {
        return Ok(apply(op, a, b));
    }
    let x = coerce_number(a)?;
    if x.is_nan() {
        return Err(NAN);
    }
    let y = coerce_number(b)?;
    if y.is_nan() && !a.is_null() {
        return Err(NAN);
    }
    Ok(apply(op, &Val::Num(x), &Val::Num(y)))
}

/// The JavaScript operator itself.
fn apply(op: CmpOp, a: &Val<'_>, b: &Val<'_>) -> bool {
    match op {
        CmpOp::Lt => js_compare(a, b) == Some(Ordering::Less),
        CmpOp::Le => matches!(js_compare(a, b), Some(Ordering::Less | Ordering::Equal)),
        CmpOp::Gt => js_compare(a, b) == Some(Ordering::Greater),
        CmpOp::Ge => matches!(js_compare(a, b), Some(Ordering::Greater | Ordering::Equal)),
        CmpOp::Eq => loose_eq(a, b),
        CmpOp::Ne => !loose_eq(a, b),
        CmpOp::StrictEq => strict_eq(a, b),
        CmpOp::StrictNe => !strict_eq(a, b),
    }
}
