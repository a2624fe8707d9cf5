//! Per account and region state of the control-plane features kept beside the tables:
//! on-demand backups, resource policies, contributor insights, exports, imports, Kinesis
//! streaming destinations, and what a restored table was restored from. Kept in a store of
//! its own (locked after `Tables`, never before) so the table storage stays about items.

use std::collections::{BTreeMap, HashMap};

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::state::Table;

/// An on-demand backup: the source table as it was, items included.
#[derive(Debug, Clone)]
pub struct Backup {
    pub arn: String,
    pub name: String,
    pub created: rt::DateTime,
    /// USER (CreateBackup), or SYSTEM (made when a table with point-in-time recovery is deleted).
    pub kind: BackupType,
    /// SYSTEM backups expire 35 days after they are made.
    pub expires: Option<rt::DateTime>,
    pub table: Table,
    /// Creation order, for listing.
    pub sequence: u64,
}

/// A resource-based policy and its revision.
#[derive(Debug, Clone)]
pub struct Policy {
    pub document: String,
    pub revision: String,
}

#[derive(Debug, Clone)]
pub struct Insights {
    pub status: ContributorInsightsStatus,
    pub updated: rt::DateTime,
}

#[derive(Debug, Default)]
pub struct Extras {
    /// Backups by ARN (ARNs start with the table ARN and the creation time, so a map
    /// orders them by table, then time).
    pub backups: BTreeMap<String, Backup>,
    /// Policies by resource ARN (table or stream).
    pub policies: HashMap<String, Policy>,
    /// Contributor insights by (table, index) name.
    pub insights: BTreeMap<(String, Option<String>), Insights>,
    /// Restored tables: name -> (table id, what it was restored from).
    pub restores: HashMap<String, (String, RestoreSummary)>,
    /// Exports by ARN.
    pub exports: BTreeMap<String, ExportDescription>,
    /// Imports by ARN.
    pub imports: BTreeMap<String, ImportTableDescription>,
    /// Kinesis destinations per table name, in the order they were added.
    pub kinesis: HashMap<String, Vec<KinesisDataStreamDestination>>,
}

impl Extras {
    /// Forgets what belonged to a deleted table (backups outlive it, as on AWS).
    pub fn table_deleted(&mut self, name: &str, arn: &str) {
        self.policies.retain(|k, _| k != arn && !k.starts_with(&format!("{arn}/")));
        self.insights.retain(|(t, _), _| t != name);
        self.restores.remove(name);
        self.kinesis.remove(name);
    }
}

/// Eight lowercase hex digits, fresh each call.
pub fn hex8() -> String {
    rt::request_id().replace('-', "")[..8].to_string()
}
