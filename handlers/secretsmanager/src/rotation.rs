//! Rotation schedules: the rules RotateSecret accepts and when the next rotation falls due.
//!
//! The schedule is recorded; no rotation Lambda is invoked, because Lambda functions cannot
//! be invoked in this emulator yet.

use ferrostack_runtime as rt;
use secretsmanager_api::types::RotationRulesType;

/// `rate(N days)` / `rate(N hours)` as seconds; `None` for cron and anything else.
fn rate_seconds(expression: &str) -> Option<i64> {
    let inner = expression.strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(' ')?;
    let n: i64 = n.parse().ok()?;
    match unit.trim() {
        "day" | "days" => Some(n * 86_400),
        "hour" | "hours" => Some(n * 3_600),
        _ => None,
    }
}

pub fn check_rules(rules: &RotationRulesType) -> Result<(), String> {
    if rules.automatically_after_days.is_some() && rules.schedule_expression.is_some() {
        return Err("You can't specify both rotation frequency in days and cron/rate expression.".to_string());
    }
    if let Some(days) = rules.automatically_after_days {
        if !(1..=1000).contains(&days) {
            return Err("The rotation interval must be between 1 and 1000 days.".to_string());
        }
    }
    if let Some(expr) = &rules.schedule_expression {
        let is_cron = expr.starts_with("cron(") && expr.ends_with(')');
        match rate_seconds(expr) {
            Some(s) if (14_400..=1000 * 86_400).contains(&s) => {}
            Some(_) => return Err("The schedule expression rate must be between 4 hours and 1000 days.".to_string()),
            None if is_cron => {}
            None => return Err(format!("Invalid schedule expression: {expr}")),
        }
    }
    if let Some(duration) = &rules.duration {
        let hours = duration.strip_suffix('h').and_then(|h| h.parse::<i64>().ok());
        if !hours.is_some_and(|h| (1..=24).contains(&h)) {
            return Err("The rotation window duration must be between 1h and 24h.".to_string());
        }
    }
    Ok(())
}

/// When the next rotation is due, for schedules expressed as an interval.
pub fn next_date(rules: &RotationRulesType, from: rt::DateTime) -> Option<rt::DateTime> {
    let interval = match (rules.automatically_after_days, &rules.schedule_expression) {
        (Some(days), _) => days * 86_400,
        (None, Some(expr)) => rate_seconds(expr)?,
        _ => return None,
    };
    Some(rt::DateTime::from_secs(from.secs() + interval))
}
