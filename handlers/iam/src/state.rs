//! What one account's IAM holds. IAM is global: state is per account, never per region.
//!
//! Names of users, groups, roles, policies and instance profiles are unique regardless of
//! case, so every map is keyed by the lowercased name and each record keeps the name as
//! it was given.

use std::collections::BTreeMap;

use ferrostack_runtime as rt;
use iam_api::types::{PasswordPolicy, Tag};

#[derive(Default)]
pub struct Account {
    pub users: BTreeMap<String, UserRec>,
    pub groups: BTreeMap<String, GroupRec>,
    pub roles: BTreeMap<String, RoleRec>,
    /// Customer managed policies, keyed by ARN.
    pub policies: BTreeMap<String, PolicyRec>,
    pub instance_profiles: BTreeMap<String, ProfileRec>,
    /// OIDC providers by ARN.
    pub oidc: BTreeMap<String, OidcRec>,
    /// SAML providers by ARN.
    pub saml: BTreeMap<String, SamlRec>,
    /// Virtual MFA devices by serial number (their ARN).
    pub mfa: BTreeMap<String, MfaRec>,
    pub aliases: Vec<String>,
    pub password_policy: Option<PasswordPolicy>,
    /// Service-linked role deletion tasks: id -> done.
    pub deletion_tasks: BTreeMap<String, ()>,
    pub server_certs: BTreeMap<String, ServerCertRec>,
    /// When the credential report was last generated.
    pub credential_report: Option<rt::DateTime>,
    /// Service-last-accessed reports by job id.
    pub access_jobs: BTreeMap<String, AccessJob>,
    /// SetSecurityTokenServicePreferences: "v1Token" (the default) or "v2Token".
    pub sts_token_version: Option<String>,
}

pub type Inline = BTreeMap<String, (String, String)>;

/// Key for a name: lowercase, since IAM names are case-insensitive.
pub fn key(name: &str) -> String {
    name.to_lowercase()
}

pub struct UserRec {
    pub name: String,
    pub id: String,
    pub path: String,
    pub created: rt::DateTime,
    pub boundary: Option<String>,
    pub tags: Vec<Tag>,
    /// Inline policies: lowercase name -> (name, document as given).
    pub inline: Inline,
    /// Attached managed policy ARNs, in attachment order.
    pub attached: Vec<String>,
    /// Groups (lowercase keys) the user belongs to.
    pub groups: Vec<String>,
    pub keys: Vec<KeyRec>,
    pub login: Option<LoginRec>,
    /// Serial numbers of the MFA devices enabled for the user.
    pub mfa: Vec<(String, rt::DateTime)>,
    pub ssh_keys: Vec<SshKeyRec>,
    pub signing_certs: Vec<SigningCertRec>,
    pub service_creds: Vec<ServiceCredRec>,
}

pub struct SshKeyRec {
    pub id: String,
    pub body: String,
    pub fingerprint: String,
    pub active: bool,
    pub uploaded: rt::DateTime,
}

pub struct SigningCertRec {
    pub id: String,
    pub body: String,
    pub active: bool,
    pub uploaded: rt::DateTime,
}

pub struct ServiceCredRec {
    pub id: String,
    pub service: String,
    pub service_user: String,
    pub password: String,
    pub active: bool,
    pub created: rt::DateTime,
}

pub struct ServerCertRec {
    pub name: String,
    pub id: String,
    pub path: String,
    pub body: String,
    pub chain: Option<String>,
    pub uploaded: rt::DateTime,
    pub expiration: Option<rt::DateTime>,
    pub tags: Vec<Tag>,
}

#[derive(Clone)]
pub struct KeyRec {
    pub id: String,
    pub secret: String,
    pub active: bool,
    pub created: rt::DateTime,
}

pub struct LoginRec {
    pub created: rt::DateTime,
    pub reset_required: bool,
    pub password: String,
}

pub struct GroupRec {
    pub name: String,
    pub id: String,
    pub path: String,
    pub created: rt::DateTime,
    pub inline: Inline,
    pub attached: Vec<String>,
}

pub struct RoleRec {
    pub name: String,
    pub id: String,
    pub path: String,
    pub created: rt::DateTime,
    pub trust: String,
    pub description: Option<String>,
    pub max_session: i32,
    pub boundary: Option<String>,
    pub tags: Vec<Tag>,
    pub inline: Inline,
    pub attached: Vec<String>,
}

pub struct PolicyRec {
    pub name: String,
    pub id: String,
    pub path: String,
    pub arn: String,
    pub description: Option<String>,
    pub created: rt::DateTime,
    pub updated: rt::DateTime,
    pub versions: Vec<VersionRec>,
    pub default_version: String,
    /// The number the next version gets: AWS never reuses version ids.
    pub next_version: u32,
    pub tags: Vec<Tag>,
}

pub struct VersionRec {
    pub id: String,
    pub document: String,
    pub created: rt::DateTime,
}

impl PolicyRec {
    pub fn default_document(&self) -> &str {
        self.versions.iter().find(|v| v.id == self.default_version).map_or("", |v| v.document.as_str())
    }
}

pub struct ProfileRec {
    pub name: String,
    pub id: String,
    pub path: String,
    pub created: rt::DateTime,
    /// Role keys (at most one, as AWS allows).
    pub roles: Vec<String>,
    pub tags: Vec<Tag>,
}

pub struct OidcRec {
    pub url: String,
    pub client_ids: Vec<String>,
    pub thumbprints: Vec<String>,
    pub created: rt::DateTime,
    pub tags: Vec<Tag>,
}

pub struct SamlRec {
    pub document: String,
    pub uuid: String,
    pub created: rt::DateTime,
    pub valid_until: rt::DateTime,
    pub tags: Vec<Tag>,
}

pub struct MfaRec {
    pub serial: String,
    pub seed: Vec<u8>,
    /// The user (key) it is enabled for.
    pub user: Option<String>,
    pub enabled: Option<rt::DateTime>,
    pub tags: Vec<Tag>,
}

impl Account {
    /// The user owning access key `id`, if any.
    pub fn key_owner(&self, id: &str) -> Option<(&UserRec, &KeyRec)> {
        self.users.values().find_map(|u| u.keys.iter().find(|k| k.id == id).map(|k| (u, k)))
    }

    /// Where managed policy `arn` is attached: (users, groups, roles), as keys.
    pub fn attachments_of(&self, arn: &str) -> (Vec<&UserRec>, Vec<&GroupRec>, Vec<&RoleRec>) {
        (
            self.users.values().filter(|u| u.attached.iter().any(|a| a == arn)).collect(),
            self.groups.values().filter(|g| g.attached.iter().any(|a| a == arn)).collect(),
            self.roles.values().filter(|r| r.attached.iter().any(|a| a == arn)).collect(),
        )
    }

    pub fn attachment_count(&self, arn: &str) -> i32 {
        let (u, g, r) = self.attachments_of(arn);
        (u.len() + g.len() + r.len()) as i32
    }

    pub fn boundary_count(&self, arn: &str) -> i32 {
        let users = self.users.values().filter(|u| u.boundary.as_deref() == Some(arn)).count();
        let roles = self.roles.values().filter(|r| r.boundary.as_deref() == Some(arn)).count();
        (users + roles) as i32
    }
}

/// A GenerateServiceLastAccessedDetails job: what the entity could reach when it ran.
pub struct AccessJob {
    pub arn: String,
    pub created: rt::DateTime,
    pub action_level: bool,
    /// (namespace, service name) pairs the entity's policies allow.
    pub services: Vec<(String, String)>,
}
