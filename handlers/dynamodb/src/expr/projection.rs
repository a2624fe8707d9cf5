//! ProjectionExpression: the parts of an item that the paths name.

use std::collections::BTreeMap;

use dynamodb_api::types::AttributeValue;
use ferrostack_runtime as rt;

use super::{Item, PathElem, Projection};

/// What has been picked so far under one node.
enum Node {
    Whole(AttributeValue),
    Map(rt::IndexMap<String, Node>),
    List(BTreeMap<usize, Node>),
}

impl Node {
    fn into_value(self) -> AttributeValue {
        match self {
            Node::Whole(v) => v,
            Node::Map(m) => AttributeValue::M(m.into_iter().map(|(k, n)| (k, n.into_value())).collect()),
            // Picked list elements come back as a shorter list, in index order.
            Node::List(l) => AttributeValue::L(l.into_values().map(Node::into_value).collect()),
        }
    }
}

/// Inserts the value at `rest` below `src` into `node`.
fn pick(node: &mut Node, src: &AttributeValue, rest: &[PathElem]) {
    let Some((first, rest)) = rest.split_first() else { return };
    match (first, src, node) {
        (PathElem::Name(n), AttributeValue::M(m), Node::Map(out)) => {
            let Some(child) = m.get(n) else { return };
            if rest.is_empty() {
                out.insert(n.clone(), Node::Whole(child.clone()));
            } else {
                let entry = out.entry(n.clone()).or_insert_with(|| empty_like(child));
                pick(entry, child, rest);
            }
        }
        (PathElem::Index(i), AttributeValue::L(l), Node::List(out)) => {
            let Some(child) = l.get(*i) else { return };
            if rest.is_empty() {
                out.insert(*i, Node::Whole(child.clone()));
            } else {
                let entry = out.entry(*i).or_insert_with(|| empty_like(child));
                pick(entry, child, rest);
            }
        }
        _ => {}
    }
}

fn empty_like(v: &AttributeValue) -> Node {
    match v {
        AttributeValue::L(_) => Node::List(BTreeMap::new()),
        _ => Node::Map(rt::IndexMap::new()),
    }
}

/// The attributes and nested parts of `item` named by `projection`; paths that lead
/// nowhere are left out, and parents that end up empty are not returned.
pub fn project(projection: &Projection, item: &Item) -> Item {
    let mut root: rt::IndexMap<String, Node> = rt::IndexMap::new();
    for path in &projection.paths {
        let Some((PathElem::Name(first), rest)) = path.0.split_first() else { continue };
        let Some(value) = item.get(first) else { continue };
        if rest.is_empty() {
            root.insert(first.clone(), Node::Whole(value.clone()));
            continue;
        }
        let mut node = root.shift_remove(first).unwrap_or_else(|| empty_like(value));
        pick(&mut node, value, rest);
        root.insert(first.clone(), node);
    }
    root.into_iter()
        .filter_map(|(k, n)| {
            let v = n.into_value();
            let empty = matches!(&v, AttributeValue::M(m) if m.is_empty())
                || matches!(&v, AttributeValue::L(l) if l.is_empty());
            let was_whole = item.get(&k).is_some_and(|orig| orig == &v);
            (!empty || was_whole).then_some((k, v))
        })
        .collect()
}
