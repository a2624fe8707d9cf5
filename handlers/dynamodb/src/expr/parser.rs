//! Recursive-descent parsers for the condition, update and projection languages.

use super::{Condition, ExprContext, ExprError, ExprKind, Projection, Update};

pub(crate) fn condition(expression: &str, cx: &mut ExprContext, kind: ExprKind) -> Result<Condition, ExprError> {
    cx.begin_expression();
    let _ = expression;
    Err(kind.invalid("not yet supported"))
}

pub(crate) fn update(expression: &str, cx: &mut ExprContext) -> Result<Update, ExprError> {
    cx.begin_expression();
    let _ = expression;
    Err(ExprKind::Update.invalid("not yet supported"))
}

pub(crate) fn projection(expression: &str, cx: &mut ExprContext) -> Result<Projection, ExprError> {
    cx.begin_expression();
    let _ = expression;
    Err(ExprKind::Projection.invalid("not yet supported"))
}
