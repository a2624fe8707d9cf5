//! How long each kind of temporary credential lives (AWS's documented rules).

/// AssumeRole: 15 minutes to 12 hours, one hour by default. The upper bound is really the
/// role's `MaxSessionDuration`; until roles are shared with IAM we allow the largest one.
pub const ASSUME_ROLE: Bounds = Bounds { min: 900, max: 43_200, default: 3_600 };

/// GetSessionToken and GetFederationToken: 15 minutes to 36 hours, 12 hours by default.
pub const USER_TOKEN: Bounds = Bounds { min: 900, max: 129_600, default: 43_200 };

/// Credentials of the account root user last at most one hour; a longer request is not an
/// error, it is silently shortened.
pub const ROOT_USER_CAP: i32 = 3_600;

/// A role session assumed from another role session (role chaining) lasts at most an hour.
pub const ROLE_CHAINING_CAP: i32 = 3_600;

#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    pub min: i32,
    pub max: i32,
    pub default: i32,
}
