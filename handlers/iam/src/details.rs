//! GetAccountAuthorizationDetails: every user, group, role and managed policy with what is
//! attached to it, paged as one list (users, then groups, roles, policies).

use iam_api::types::*;

use crate::docs::url_encode;
use crate::env::Env;
use crate::errors::Result;
use crate::paging::page;
use crate::state::{Account, Inline};
use crate::{attach, aws_managed, groups, policies, profiles, roles, tags, users};

enum Item {
    User(UserDetail),
    Group(GroupDetail),
    Role(RoleDetail),
    Policy(ManagedPolicyDetail),
}

fn inline_details(inline: &Inline) -> Vec<PolicyDetail> {
    inline
        .values()
        .map(|(n, d)| PolicyDetail { policy_name: Some(n.clone()), policy_document: Some(url_encode(d)) })
        .collect()
}

fn policy_detail(a: &Account, arn: &str) -> Option<ManagedPolicyDetail> {
    let v = policies::resolve(a, arn)?;
    let versions = match a.policies.get(arn) {
        Some(p) => p
            .versions
            .iter()
            .map(|ver| PolicyVersion {
                document: Some(url_encode(&ver.document)),
                version_id: Some(ver.id.clone()),
                is_default_version: ver.id == p.default_version,
                create_date: Some(ver.created),
            })
            .collect(),
        None => vec![PolicyVersion {
            document: Some(url_encode(&v.document)),
            version_id: Some(v.default_version.clone()),
            is_default_version: true,
            create_date: Some(v.created),
        }],
    };
    Some(ManagedPolicyDetail {
        policy_name: Some(v.name.clone()),
        policy_id: Some(v.id.clone()),
        arn: Some(v.arn.clone()),
        path: Some(v.path.clone()),
        default_version_id: Some(v.default_version.clone()),
        attachment_count: Some(a.attachment_count(arn)),
        permissions_boundary_usage_count: Some(a.boundary_count(arn)),
        is_attachable: true,
        description: v.description.clone(),
        create_date: Some(v.created),
        update_date: Some(v.updated),
        policy_version_list: Some(versions),
    })
}

pub fn get(
    a: &mut Account,
    env: &Env,
    input: GetAccountAuthorizationDetailsRequest,
) -> Result<GetAccountAuthorizationDetailsResponse> {
    let filter = input.filter.unwrap_or_default();
    let want = |t: EntityType| filter.is_empty() || filter.contains(&t);
    let mut items: Vec<(String, Item)> = Vec::new();
    if want(EntityType::User) {
        for (k, u) in &a.users {
            let base = users::render(env, u, true);
            items.push((
                format!("1{k}"),
                Item::User(UserDetail {
                    path: Some(base.path),
                    user_name: Some(base.user_name),
                    user_id: Some(base.user_id),
                    arn: Some(base.arn),
                    create_date: Some(base.create_date),
                    user_policy_list: Some(inline_details(&u.inline)),
                    group_list: Some(u.groups.iter().filter_map(|g| a.groups.get(g)).map(|g| g.name.clone()).collect()),
                    attached_managed_policies: Some(attach::attached(a, &u.attached)),
                    permissions_boundary: base.permissions_boundary,
                    tags: Some(u.tags.clone()),
                }),
            ));
        }
    }
    if want(EntityType::Group) {
        for (k, g) in &a.groups {
            let base = groups::render(env, g);
            items.push((
                format!("2{k}"),
                Item::Group(GroupDetail {
                    path: Some(base.path),
                    group_name: Some(base.group_name),
                    group_id: Some(base.group_id),
                    arn: Some(base.arn),
                    create_date: Some(base.create_date),
                    group_policy_list: Some(inline_details(&g.inline)),
                    attached_managed_policies: Some(attach::attached(a, &g.attached)),
                }),
            ));
        }
    }
    if want(EntityType::Role) {
        for (k, r) in &a.roles {
            let base = roles::render(env, r, true);
            let profiles = a
                .instance_profiles
                .values()
                .filter(|p| p.roles.contains(k))
                .map(|p| profiles::render(a, env, p, true))
                .collect();
            items.push((
                format!("3{k}"),
                Item::Role(RoleDetail {
                    path: Some(base.path),
                    role_name: Some(base.role_name),
                    role_id: Some(base.role_id),
                    arn: Some(base.arn),
                    create_date: Some(base.create_date),
                    assume_role_policy_document: base.assume_role_policy_document,
                    instance_profile_list: Some(profiles),
                    role_policy_list: Some(inline_details(&r.inline)),
                    attached_managed_policies: Some(attach::attached(a, &r.attached)),
                    permissions_boundary: base.permissions_boundary,
                    tags: Some(tags::render(&r.tags).unwrap_or_default()),
                    role_last_used: base.role_last_used,
                }),
            ));
        }
    }
    if want(EntityType::LocalManagedPolicy) {
        for arn in a.policies.keys() {
            if let Some(d) = policy_detail(a, arn) {
                items.push((format!("4{}", arn.to_lowercase()), Item::Policy(d)));
            }
        }
    }
    if want(EntityType::AwsManagedPolicy) {
        // AWS managed policies appear once something in the account uses them.
        for p in aws_managed::all() {
            let arn = aws_managed::arn(p);
            if a.attachment_count(&arn) + a.boundary_count(&arn) > 0 {
                if let Some(d) = policy_detail(a, &arn) {
                    items.push((format!("5{}", arn.to_lowercase()), Item::Policy(d)));
                }
            }
        }
    }
    let p = page(items, input.marker.as_deref(), input.max_items)?;
    let mut out = GetAccountAuthorizationDetailsResponse {
        user_detail_list: Some(Vec::new()),
        group_detail_list: Some(Vec::new()),
        role_detail_list: Some(Vec::new()),
        policies: Some(Vec::new()),
        is_truncated: p.is_truncated,
        marker: p.marker,
    };
    for item in p.items {
        match item {
            Item::User(u) => out.user_detail_list.get_or_insert_with(Vec::new).push(u),
            Item::Group(g) => out.group_detail_list.get_or_insert_with(Vec::new).push(g),
            Item::Role(r) => out.role_detail_list.get_or_insert_with(Vec::new).push(r),
            Item::Policy(d) => out.policies.get_or_insert_with(Vec::new).push(d),
        }
    }
    Ok(out)
}
