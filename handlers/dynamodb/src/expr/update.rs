//! Applying an UpdateExpression to an item.

use super::{ExprError, Item, Update};

/// Applies `update` to `item` in place. Every right-hand side is computed against the item
/// as it was before the update, as DynamoDB does. On error the item may be partly changed:
/// callers apply it to a copy.
pub fn apply_update(update: &Update, item: &mut Item) -> Result<(), ExprError> {
    let _ = (update, item);
    Err(ExprError::new("not yet supported"))
}
