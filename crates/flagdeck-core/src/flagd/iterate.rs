//! The iterating operators (`map`, `filter`, `all`, `some`, `none`, `reduce`), compiled and
//! interpreted: json-logic-engine's interpreter walks strings by character and rewrites a few
//! patterns, which constant rules see.

use super::eval::{EvalError, EvalResult, Evaluator, NAN, coerce_number, non_nan};
use super::logic::{ArithOp, IterOp, Node};
use super::value::Val;
use std::borrow::Cow;
use std::rc::Rc;

impl<'a> Evaluator<'a> {
    #[inline(never)]
    pub(super) fn iterate(
        &mut self,
        op: IterOp,
        selector: &'a Node,
        body: &'a Node,
        scope: &Val<'a>,
    ) -> EvalResult<'a> {
        if self.interpreted && op == IterOp::Filter {
            // The interpreter computes a constant test first, and reads no input it drops.
            match body {
                Node::BuildError(_) => return self.eval(body, scope),
                Node::Const(test) if !Val::from_json(test).truthy() => {
                    return Ok(Val::Arr(Rc::new(Vec::new())));
                }
                _ => {}
            }
        }
        let list = self.eval(selector, scope)?;
        if self.interpreted {
            return self.iterate_interpreted(op, list, body);
        }
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

    /// The interpreter's iterators: `all`/`some`/`none` walk anything with a length (a string
    /// by characters), and a `filter` whose test is a constant keeps or drops the whole input.
    fn iterate_interpreted(&mut self, op: IterOp, list: Val<'a>, body: &'a Node) -> EvalResult<'a> {
        if let (IterOp::Filter, Node::Const(test)) = (op, body) {
            let keep = Val::from_json(test).truthy();
            return Ok(if keep {
                list
            } else {
                Val::Arr(Rc::new(Vec::new()))
            });
        }
        if !list.js_truthy() {
            return Ok(match op {
                IterOp::Map | IterOp::Filter => Val::Arr(Rc::new(Vec::new())),
                IterOp::All => Val::Bool(false),
                IterOp::Some => Val::Bool(false),
                IterOp::None => Val::Bool(true),
            });
        }
        if op == IterOp::All && list.array_len() == Some(0) {
            return Ok(Val::Bool(false));
        }
        let items = match (&list, op) {
            (_, _) if list.array_len().is_some() => list.elements().unwrap_or_default(),
            (_, IterOp::Map | IterOp::Filter) => return Err(EvalError("an iterator needs a list")),
            (Val::Str(s), _) => s
                .encode_utf16()
                .map(|u| Val::Str(Cow::Owned(String::from_utf16_lossy(&[u]))))
                .collect(),
            _ => Vec::new(),
        };
        self.iterate_items(op, items, body)
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

    #[inline(never)]
    pub(super) fn reduce(
        &mut self,
        selector: &'a Node,
        body: &'a Node,
        init: Option<&'a Node>,
        scope: &Val<'a>,
    ) -> EvalResult<'a> {
        let list = self.eval(selector, scope)?;
        if self.interpreted
            && let Some(sum) = reduce_sum_idiom(&list, body, init)
        {
            return sum;
        }
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

/// The interpreter rewrites `reduce` of `accumulator + current` as a sum:
/// `{"+": [{"+": list}, initial || 0]}`.
fn reduce_sum_idiom<'a>(
    list: &Val<'a>,
    body: &Node,
    init: Option<&Node>,
) -> Option<EvalResult<'a>> {
    let Node::Arith(ArithOp::Add, terms) = body else {
        return None;
    };
    let names: Vec<&str> = terms
        .iter()
        .filter_map(|t| match t {
            Node::Var {
                path,
                default: None,
                ..
            } if path.len() == 1 => path.first().map(String::as_str),
            _ => None,
        })
        .collect();
    if terms.len() != 2 || !names.contains(&"accumulator") || !names.contains(&"current") {
        return None;
    }
    let initial = match init {
        Some(Node::Const(v)) if Val::from_json(v).js_truthy() => Val::from_json(v),
        Some(Node::Const(_)) | None => Val::Num(0.0),
        Some(_) => return None,
    };
    Some(interpreted_plus(list).and_then(|sum| {
        let total = sum + coerce_number(&initial)?;
        non_nan(total)
    }))
}

/// The interpreter's `+` applied to one value.
fn interpreted_plus(v: &Val<'_>) -> Result<f64, EvalError> {
    if !v.js_truthy() {
        return Ok(0.0);
    }
    let total = match v.elements() {
        Some(items) => items.iter().map(coerce_number).sum::<Result<f64, _>>()?,
        None => coerce_number(v)?,
    };
    if total.is_nan() { Err(NAN) } else { Ok(total) }
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
