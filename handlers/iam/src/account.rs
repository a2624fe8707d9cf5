//! Account-wide settings: the alias, the password policy, the summary counts.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::env::Env;
use crate::errors::*;
use crate::paging::page_ordered;
use crate::state::Account;

/// `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`, checked by hand: the model's pattern
/// has a look-ahead the generic validator does not run.
fn valid_alias(alias: &str) -> bool {
    let b = alias.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
        && !alias.contains("--")
}

pub fn create_alias(a: &mut Account, _env: &Env, input: CreateAccountAliasRequest) -> Result<rt::Unit> {
    if !valid_alias(&input.account_alias) {
        return Err(validation(format!(
            "1 validation error detected: Value '{}' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){{1,61}}[a-z0-9]$",
            input.account_alias
        )));
    }
    // An account has one alias; creating another replaces it.
    a.aliases = vec![input.account_alias];
    Ok(rt::Unit {})
}

pub fn delete_alias(a: &mut Account, _env: &Env, input: DeleteAccountAliasRequest) -> Result<rt::Unit> {
    if !a.aliases.contains(&input.account_alias) {
        return Err(no_such_entity(format!("The account alias {} does not exist", input.account_alias)));
    }
    a.aliases.retain(|x| *x != input.account_alias);
    Ok(rt::Unit {})
}

pub fn list_aliases(
    a: &mut Account,
    _env: &Env,
    input: ListAccountAliasesRequest,
) -> Result<ListAccountAliasesResponse> {
    let p = page_ordered(a.aliases.clone(), input.marker.as_deref(), input.max_items)?;
    Ok(ListAccountAliasesResponse { account_aliases: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

fn no_policy(env: &Env) -> Error {
    no_such_entity(format!("The Password Policy with domain name {} cannot be found.", env.account))
}

pub fn update_password_policy(
    a: &mut Account,
    _env: &Env,
    input: UpdateAccountPasswordPolicyRequest,
) -> Result<rt::Unit> {
    // Absent values take AWS's defaults: minimum length 8, no expiry, no reuse rule.
    let max_age = input.max_password_age.filter(|n| *n > 0);
    a.password_policy = Some(PasswordPolicy {
        minimum_password_length: Some(input.minimum_password_length.unwrap_or(8)),
        require_symbols: input.require_symbols,
        require_numbers: input.require_numbers,
        require_uppercase_characters: input.require_uppercase_characters,
        require_lowercase_characters: input.require_lowercase_characters,
        allow_users_to_change_password: input.allow_users_to_change_password,
        expire_passwords: max_age.is_some(),
        max_password_age: max_age,
        password_reuse_prevention: input.password_reuse_prevention,
        hard_expiry: Some(input.hard_expiry.unwrap_or(false)),
    });
    Ok(rt::Unit {})
}

pub fn get_password_policy(a: &mut Account, env: &Env, _input: rt::Unit) -> Result<GetAccountPasswordPolicyResponse> {
    let p = a.password_policy.clone().ok_or_else(|| no_policy(env))?;
    Ok(GetAccountPasswordPolicyResponse { password_policy: p })
}

pub fn delete_password_policy(a: &mut Account, env: &Env, _input: rt::Unit) -> Result<rt::Unit> {
    a.password_policy.take().ok_or_else(|| no_policy(env))?;
    Ok(rt::Unit {})
}

pub fn summary(a: &mut Account, _env: &Env, _input: rt::Unit) -> Result<GetAccountSummaryResponse> {
    let mut m = rt::IndexMap::new();
    let versions: usize = a.policies.values().map(|p| p.versions.len()).sum();
    let counts: [(&str, i32); 27] = [
        ("Users", a.users.len() as i32),
        ("UsersQuota", 5000),
        ("Groups", a.groups.len() as i32),
        ("GroupsQuota", 300),
        ("Roles", a.roles.len() as i32),
        ("RolesQuota", 1000),
        ("InstanceProfiles", a.instance_profiles.len() as i32),
        ("InstanceProfilesQuota", 1000),
        ("Policies", a.policies.len() as i32),
        ("PoliciesQuota", 1500),
        ("PolicySizeQuota", 6144),
        ("PolicyVersionsInUse", versions as i32),
        ("PolicyVersionsInUseQuota", 10000),
        ("VersionsPerPolicyQuota", 5),
        ("ServerCertificates", a.server_certs.len() as i32),
        ("ServerCertificatesQuota", 20),
        ("UserPolicySizeQuota", 2048),
        ("GroupPolicySizeQuota", 5120),
        ("RolePolicySizeQuota", 10240),
        ("GroupsPerUserQuota", 10),
        ("AttachedPoliciesPerUserQuota", 10),
        ("AttachedPoliciesPerGroupQuota", 10),
        ("AttachedPoliciesPerRoleQuota", 10),
        ("AccessKeysPerUserQuota", 2),
        ("MFADevices", a.mfa.len() as i32),
        ("MFADevicesInUse", a.users.values().map(|u| u.mfa.len()).sum::<usize>() as i32),
        ("Providers", (a.oidc.len() + a.saml.len()) as i32),
    ];
    for (k, v) in counts {
        m.insert(k.to_string(), v);
    }
    let v2 = a.sts_token_version.as_deref() == Some("v2Token");
    m.insert("GlobalEndpointTokenVersion".into(), if v2 { 2 } else { 1 });
    m.insert("AccountMFAEnabled".into(), 0);
    m.insert("AccountAccessKeysPresent".into(), 0);
    m.insert("AccountSigningCertificatesPresent".into(), 0);
    m.insert("SigningCertificatesPerUserQuota".into(), 2);
    Ok(GetAccountSummaryResponse { summary_map: Some(m) })
}
