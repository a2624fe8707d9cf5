//! The forms a `FunctionName` parameter can take: a bare name, `name:qualifier`, a partial
//! ARN `<account>:function:<name>[:qualifier]` or a full ARN
//! `arn:<partition>:lambda:<region>:<account>:function:<name>[:qualifier]`.

use ferrostack_runtime as rt;

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionRef {
    pub name: String,
    pub qualifier: Option<String>,
    /// Account and region named by an ARN form, if any.
    pub account: Option<String>,
    pub region: Option<String>,
}

impl FunctionRef {
    pub fn parse(text: &str) -> FunctionRef {
        let parts: Vec<&str> = text.split(':').collect();
        let (account, region, rest): (Option<&str>, Option<&str>, &[&str]) = match parts.as_slice() {
            ["arn", _partition, "lambda", region, account, "function", rest @ ..] => {
                (Some(account), Some(region), rest)
            }
            [account, "function", rest @ ..] => (Some(account), None, rest),
            rest => (None, None, rest),
        };
        let name = rest.first().copied().unwrap_or_default().to_string();
        let qualifier = rest.get(1).map(|q| q.to_string());
        FunctionRef { name, qualifier, account: account.map(str::to_string), region: region.map(str::to_string) }
    }

    /// The qualifier from the name, else the separate `Qualifier` parameter.
    pub fn with_qualifier(mut self, qualifier: Option<String>) -> FunctionRef {
        if self.qualifier.is_none() {
            self.qualifier = qualifier;
        }
        self
    }

    /// The ARN AWS quotes in messages: qualified when a qualifier was asked for.
    pub fn arn(&self, ctx: &rt::RequestContext) -> String {
        let region = self.region.as_deref().unwrap_or(&ctx.region);
        let account = self.account.as_deref().unwrap_or(&ctx.account_id);
        let mut arn = function_arn(region, account, &self.name);
        if let Some(q) = &self.qualifier {
            arn.push(':');
            arn.push_str(q);
        }
        arn
    }
}

/// `arn:aws:lambda:<region>:<account>:function:<name>`
pub fn function_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{account}:function:{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let r = FunctionRef::parse("my-fn");
        assert_eq!((r.name.as_str(), r.qualifier), ("my-fn", None));
        let r = FunctionRef::parse("my-fn:prod");
        assert_eq!((r.name.as_str(), r.qualifier.as_deref()), ("my-fn", Some("prod")));
        let r = FunctionRef::parse("123456789012:function:my-fn");
        assert_eq!((r.name.as_str(), r.account.as_deref()), ("my-fn", Some("123456789012")));
        let r = FunctionRef::parse("arn:aws:lambda:eu-west-1:123456789012:function:my-fn:7");
        assert_eq!(r.name, "my-fn");
        assert_eq!(r.qualifier.as_deref(), Some("7"));
        assert_eq!(r.region.as_deref(), Some("eu-west-1"));
        let r = FunctionRef::parse("");
        assert_eq!(r.name, "");
    }
}
