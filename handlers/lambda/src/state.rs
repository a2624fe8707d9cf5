//! The functions of one account and region.

use std::collections::BTreeMap;

use ferrostack_runtime as rt;
use lambda_api::types::FunctionConfiguration;

/// A function as stored: `$LATEST`'s configuration plus what later issues hang off it
/// (published versions, aliases, code, policies).
#[derive(Debug, Clone, Default)]
pub struct Function {
    /// The `$LATEST` configuration, exactly as GetFunctionConfiguration returns it.
    pub latest: FunctionConfiguration,
    /// Published versions by number (`"1"`, `"2"`, …).
    pub versions: BTreeMap<u64, FunctionConfiguration>,
    pub tags: rt::IndexMap<String, String>,
}

/// Functions by name. A `BTreeMap` because ListFunctions pages in name order.
#[derive(Debug, Default)]
pub struct Functions {
    pub by_name: BTreeMap<String, Function>,
}
