//! CloudWatch Contributor Insights switches per table and global secondary index
//! (DescribeContributorInsights, UpdateContributorInsights, ListContributorInsights). The
//! status is kept; no CloudWatch rules are run. Update answers ENABLING / DISABLING as AWS
//! does, and the next Describe shows ENABLED / DISABLED.

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::error::{Error, Result};
use crate::extras::{Extras, Insights};
use crate::state::{Table, Tables};
use crate::table_name;

const LIST_MAX: usize = 100;

fn table<'a>(t: &'a Tables, name: &str) -> Result<&'a Table> {
    t.by_name.get(name).ok_or_else(|| Error::NotFound(format!("Requested resource not found: Table: {name} not found")))
}

/// Table and index must exist; insights apply to the table or its global indexes.
fn check(t: &Tables, name: &str, index: Option<&str>) -> Result<()> {
    let table = table(t, name)?;
    if let Some(index) = index {
        if !table.global_indexes.iter().any(|i| i.name == index) {
            return Err(Error::NotFound(format!(
                "Requested resource not found: Index: {index} not found for table {name}"
            )));
        }
    }
    Ok(())
}

/// The rule names CloudWatch would show: most accessed and most throttled keys, for the
/// partition key and (when there is one) the sort key.
fn rules(table: &Table, index: Option<&str>, at: rt::DateTime) -> Vec<String> {
    let target = match index {
        Some(i) => format!("{}-{i}", table.name),
        None => table.name.clone(),
    };
    let key_schema = match index.and_then(|i| table.global_indexes.iter().find(|g| g.name == i)) {
        Some(g) => &g.key_schema,
        None => &table.key_schema,
    };
    let mut kinds = vec!["PKC", "PKT"];
    if key_schema.len() > 1 {
        kinds.extend(["SKC", "SKT"]);
    }
    kinds.iter().map(|k| format!("DynamoDBContributorInsights-{k}-{target}-{}", at.as_millis())).collect()
}

pub fn describe(
    t: &Tables,
    x: &Extras,
    name: &str,
    index: Option<String>,
) -> Result<DescribeContributorInsightsOutput> {
    let name = table_name::resolve(name);
    check(t, name, index.as_deref())?;
    let entry = x.insights.get(&(name.to_string(), index.clone()));
    let enabled = entry.is_some_and(|e| e.status == ContributorInsightsStatus::Enabled);
    Ok(DescribeContributorInsightsOutput {
        table_name: Some(name.to_string()),
        contributor_insights_rule_list: enabled
            .then(|| rules(&t.by_name[name], index.as_deref(), entry.map_or(rt::DateTime::now(), |e| e.updated))),
        index_name: index,
        contributor_insights_status: Some(entry.map_or(ContributorInsightsStatus::Disabled, |e| e.status.clone())),
        last_update_date_time: entry.map(|e| e.updated),
        failure_exception: None,
    })
}

pub fn update(
    t: &Tables,
    x: &mut Extras,
    input: UpdateContributorInsightsInput,
) -> Result<UpdateContributorInsightsOutput> {
    let name = table_name::resolve(&input.table_name).to_string();
    check(t, &name, input.index_name.as_deref())?;
    let (settled, answered) = match input.contributor_insights_action {
        ContributorInsightsAction::Enable => (ContributorInsightsStatus::Enabled, ContributorInsightsStatus::Enabling),
        ContributorInsightsAction::Disable => {
            (ContributorInsightsStatus::Disabled, ContributorInsightsStatus::Disabling)
        }
        ContributorInsightsAction::Unknown(other) => {
            return Err(Error::Validation(format!(
                "1 validation error detected: Value '{other}' at 'contributorInsightsAction' failed to satisfy constraint: Member must satisfy enum value set: [ENABLE, DISABLE]"
            )))
        }
    };
    let updated = rt::DateTime::from_millis(rt::DateTime::now().as_millis());
    x.insights.insert((name.clone(), input.index_name.clone()), Insights { status: settled, updated });
    Ok(UpdateContributorInsightsOutput {
        table_name: Some(name),
        index_name: input.index_name,
        contributor_insights_status: Some(answered),
    })
}

/// For a table, the table and all its global secondary indexes; for the account, the tables
/// and indexes whose insights were ever switched; in name order. `NextToken` is the position
/// of the next entry.
pub fn list(t: &Tables, x: &Extras, input: ListContributorInsightsInput) -> Result<ListContributorInsightsOutput> {
    let limit = if input.max_results <= 0 { LIST_MAX } else { (input.max_results as usize).min(LIST_MAX) };
    let start = match &input.next_token {
        Some(token) => token.parse::<usize>().map_err(|_| Error::Validation("Invalid NextToken".into()))?,
        None => 0,
    };
    let summary = |table: &str, index: Option<&String>| ContributorInsightsSummary {
        table_name: Some(table.to_string()),
        index_name: index.cloned(),
        contributor_insights_status: Some(
            x.insights
                .get(&(table.to_string(), index.cloned()))
                .map_or(ContributorInsightsStatus::Disabled, |e| e.status.clone()),
        ),
    };
    let entries: Vec<ContributorInsightsSummary> = match &input.table_name {
        // A table: itself and every global secondary index, configured or not.
        Some(name) => {
            let table = table(t, table_name::resolve(name))?;
            std::iter::once(summary(&table.name, None))
                .chain(table.global_indexes.iter().map(|i| summary(&table.name, Some(&i.name))))
                .collect()
        }
        // The account: every table and index whose insights were ever switched.
        None => x
            .insights
            .keys()
            .filter(|(table, _)| t.by_name.contains_key(table))
            .map(|(table, index)| summary(table, index.as_ref()))
            .collect(),
    };
    let page: Vec<ContributorInsightsSummary> = entries.iter().skip(start).take(limit).cloned().collect();
    let next = start + page.len();
    Ok(ListContributorInsightsOutput {
        contributor_insights_summaries: Some(page),
        next_token: (next < entries.len()).then(|| next.to_string()),
    })
}
