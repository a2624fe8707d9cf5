//! AddPermission and RemovePermission: statements in the queue's Policy document, one per
//! label, as AWS writes them. The policy is stored, not enforced (there is no IAM here),
//! and reads back through GetQueueAttributes like one set with SetQueueAttributes.

use serde_json::{json, Map, Value};

use crate::error::SqsError;

/// AWS accepts at most seven actions in one AddPermission call.
const MAX_ACTIONS: usize = 7;

/// The actions a permission may grant (batch operations share their single form's).
const ACTIONS: &[&str] = &[
    "*",
    "SendMessage",
    "ReceiveMessage",
    "DeleteMessage",
    "ChangeMessageVisibility",
    "GetQueueAttributes",
    "GetQueueUrl",
    "ListDeadLetterSourceQueues",
    "PurgeQueue",
    "ListQueueTags",
];

pub struct Grant<'a> {
    pub label: &'a str,
    pub account_ids: &'a [String],
    pub actions: &'a [String],
}

/// The policy `policy` with a statement for `grant` added.
pub fn add(policy: Option<&str>, queue_arn: &str, grant: Grant) -> Result<String, SqsError> {
    check_label(grant.label)?;
    if grant.account_ids.is_empty() {
        return Err(SqsError::missing_parameter("AWSAccountIds"));
    }
    if grant.actions.is_empty() {
        return Err(SqsError::missing_parameter("Actions"));
    }
    if grant.actions.len() > MAX_ACTIONS {
        return Err(SqsError::OverLimit(format!(
            "{} Actions were found, maximum allowed is {MAX_ACTIONS}.",
            grant.actions.len()
        )));
    }
    if let Some(bad) = grant.actions.iter().find(|a| !ACTIONS.contains(&a.as_str())) {
        return Err(SqsError::invalid_parameter_value(format!(
            "Value SQS:{bad} for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for \
             a list of valid actions."
        )));
    }
    if let Some(bad) = grant.account_ids.iter().find(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit())) {
        return Err(SqsError::invalid_parameter_value(format!(
            "Value [{bad}] for parameter PrincipalId is invalid. Reason: Unable to verify."
        )));
    }
    let mut document = parse(policy, queue_arn);
    let statements = statements_mut(&mut document);
    if statements.iter().any(|s| s.get("Sid").and_then(Value::as_str) == Some(grant.label)) {
        return Err(SqsError::invalid_parameter_value(format!(
            "Value {} for parameter Label is invalid. Reason: Already exists.",
            grant.label
        )));
    }
    let principals: Vec<String> = grant.account_ids.iter().map(|a| format!("arn:aws:iam::{a}:root")).collect();
    let actions: Vec<String> = grant.actions.iter().map(|a| format!("SQS:{a}")).collect();
    // AWS writes a single principal or action as a string, several as a list.
    let one_or_many = |items: Vec<String>| if items.len() == 1 { json!(items[0]) } else { json!(items) };
    statements.push(json!({
        "Sid": grant.label,
        "Effect": "Allow",
        "Principal": {"AWS": one_or_many(principals)},
        "Action": one_or_many(actions),
        "Resource": queue_arn,
    }));
    Ok(document.to_string())
}

/// The policy without the statement labelled `label`; `None` when none is left.
pub fn remove(policy: Option<&str>, queue_arn: &str, label: &str) -> Result<Option<String>, SqsError> {
    let not_found = || {
        SqsError::invalid_parameter_value(format!(
            "Value {label} for parameter Label is invalid. Reason: can't find label on existing policy."
        ))
    };
    let mut document = parse(Some(policy.ok_or_else(not_found)?), queue_arn);
    let statements = statements_mut(&mut document);
    let before = statements.len();
    statements.retain(|s| s.get("Sid").and_then(Value::as_str) != Some(label));
    if statements.len() == before {
        return Err(not_found());
    }
    Ok((!statements.is_empty()).then(|| document.to_string()))
}

fn check_label(label: &str) -> Result<(), SqsError> {
    let valid = !label.is_empty()
        && label.len() <= 80
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if valid {
        return Ok(());
    }
    Err(SqsError::invalid_parameter_value(format!(
        "Value {label} for parameter Label is invalid. Reason: Can only include alphanumeric characters, hyphens, \
         or underscores. 1 to 80 in length."
    )))
}

/// The stored policy as a JSON object, or AWS's empty default policy for the queue.
fn parse(policy: Option<&str>, queue_arn: &str) -> Value {
    match policy.and_then(|p| serde_json::from_str::<Value>(p).ok()) {
        Some(Value::Object(map)) => Value::Object(map),
        _ => json!({"Version": "2012-10-17", "Id": format!("{queue_arn}/SQSDefaultPolicy"), "Statement": []}),
    }
}

/// The document's statements as a list, turning a lone statement object into one.
fn statements_mut(document: &mut Value) -> &mut Vec<Value> {
    let map: &mut Map<String, Value> = document.as_object_mut().expect("policy documents are objects");
    let entry = map.entry("Statement").or_insert_with(|| json!([]));
    if !entry.is_array() {
        let single = entry.take();
        *entry = if single.is_null() { json!([]) } else { json!([single]) };
    }
    entry.as_array_mut().expect("made an array above")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:sqs:us-east-1:000000000000:q";

    fn grant<'a>(label: &'a str, accounts: &'a [String], actions: &'a [String]) -> Grant<'a> {
        Grant { label, account_ids: accounts, actions }
    }

    #[test]
    fn add_and_remove_statements() {
        let accounts = vec!["111111111111".to_owned()];
        let actions = vec!["SendMessage".to_owned(), "ReceiveMessage".to_owned()];
        let policy = add(None, ARN, grant("l1", &accounts, &actions)).unwrap();
        let v: Value = serde_json::from_str(&policy).unwrap();
        assert_eq!(v["Statement"][0]["Principal"]["AWS"], "arn:aws:iam::111111111111:root");
        assert_eq!(v["Statement"][0]["Action"], json!(["SQS:SendMessage", "SQS:ReceiveMessage"]));
        assert!(add(Some(&policy), ARN, grant("l1", &accounts, &actions))
            .unwrap_err()
            .message()
            .ends_with("Already exists."));
        let two = add(Some(&policy), ARN, grant("l2", &accounts, &actions)).unwrap();
        let one = remove(Some(&two), ARN, "l1").unwrap().unwrap();
        assert!(one.contains("l2") && !one.contains("\"l1\""));
        assert_eq!(remove(Some(&one), ARN, "l2").unwrap(), None);
        assert!(remove(None, ARN, "l2").is_err());
    }

    #[test]
    fn limits() {
        let accounts = vec!["111111111111".to_owned()];
        let eight: Vec<String> = std::iter::repeat_n("SendMessage".to_owned(), 8).collect();
        assert!(matches!(add(None, ARN, grant("l", &accounts, &eight)), Err(SqsError::OverLimit(_))));
        let bogus = vec!["Fly".to_owned()];
        assert_eq!(add(None, ARN, grant("l", &accounts, &bogus)).unwrap_err().code(), "InvalidParameterValue");
        assert_eq!(add(None, ARN, grant("bad label", &accounts, &bogus)).unwrap_err().code(), "InvalidParameterValue");
    }
}
