//! Behaviour of `iam` (AWSIdentityManagementV20100508). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.
//!
//! IAM is global: each account has one state, whatever region a request names. Every
//! operation is a plain function over that state (`fn(&mut Account, &Env, Input)`), so the
//! trait impl below is only the table of which function answers which operation.

mod access;
mod account;
mod attach;
mod aws_managed;
mod certificates;
mod der;
mod details;
mod docs;
mod env;
mod errors;
mod groups;
mod ids;
mod inline;
mod keys;
mod last_accessed;
mod mfa;
mod paging;
mod policies;
mod profiles;
mod providers;
mod report;
mod roles;
mod simulate;
mod ssh;
mod state;
mod tags;
mod users;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use ferrostack_runtime as rt;
use ferrostack_store::lock;
use iam_api::error::*;
use iam_api::types::*;

use env::Env;
use state::Account;

#[derive(Default)]
pub struct Handler {
    accounts: RwLock<HashMap<String, Arc<Mutex<Account>>>>,
    /// Which account issued each access key, so a request signed with an AKIA key locks
    /// just that account rather than scanning every one. Kept in step by CreateAccessKey,
    /// DeleteAccessKey, DeleteUser and reset; lookups still confirm the key under the
    /// account's lock, so an entry can never grant a key that is gone.
    key_accounts: RwLock<HashMap<String, String>>,
}

impl Handler {
    fn account(&self, id: &str) -> Arc<Mutex<Account>> {
        if let Some(a) = self.accounts.read().unwrap_or_else(|e| e.into_inner()).get(id) {
            return a.clone();
        }
        self.accounts.write().unwrap_or_else(|e| e.into_inner()).entry(id.to_owned()).or_default().clone()
    }

    /// The account whose user holds access key `id`, and whether the key is active, when
    /// this service issued it.
    fn key_account(&self, id: &str) -> Option<(String, bool)> {
        let account_id = self.key_accounts.read().unwrap_or_else(|e| e.into_inner()).get(id).cloned()?;
        let account = self.accounts.read().unwrap_or_else(|e| e.into_inner()).get(&account_id).cloned()?;
        let active = lock(&account).key_owner(id).map(|(_, key)| key.active)?;
        Some((account_id, active))
    }

    fn index_keys(&self, account: &str, keys: impl IntoIterator<Item = String>) {
        let mut index = self.key_accounts.write().unwrap_or_else(|e| e.into_inner());
        index.extend(keys.into_iter().map(|k| (k, account.to_owned())));
    }

    fn unindex_keys(&self, keys: impl IntoIterator<Item = String>) {
        let mut index = self.key_accounts.write().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            index.remove(&key);
        }
    }

    /// Runs `f` on the caller's account under its lock. A request signed with an access key
    /// of one of our users acts in that user's account, whatever the gateway guessed; one
    /// signed with a key its user deactivated is refused, as AWS refuses it.
    fn on_account<T>(
        &self,
        ctx: &rt::RequestContext,
        f: impl FnOnce(&mut Account, &Env) -> errors::Result<T>,
    ) -> errors::Result<T> {
        let owner = ctx.access_key_id.as_deref().filter(|k| k.starts_with("AKIA")).and_then(|k| self.key_account(k));
        if let Some((_, false)) = owner {
            return Err(rt::ServiceError::new(
                403,
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
            ));
        }
        let account_id = owner.map_or_else(|| ctx.account_id.clone(), |(account, _)| account);
        let env = Env { account: account_id.clone(), now: rt::DateTime::now(), caller_key: ctx.access_key_id.clone() };
        let account = self.account(&account_id);
        let mut guard = lock(&account);
        f(&mut guard, &env)
    }
}

/// Accounts here stand alone: no AWS Organizations service manages them.
fn no_organization() -> OrganizationNotFoundException {
    OrganizationNotFoundException {
        message: Some("The request failed because your account is not a member of an organization.".into()),
    }
}

/// The trait impl: each line maps an operation to the function answering it.
macro_rules! operations {
    (extra { $($extra:tt)* } $($op:ident($req:ty) -> $resp:ty, $err:ident => $f:path;)*) => {
        #[rt::async_trait]
        impl iam_api::Handler for Handler {
            $(
                async fn $op(&self, ctx: &rt::RequestContext, input: $req) -> Result<$resp, $err> {
                    self.on_account(ctx, |a, env| $f(a, env, input)).map_err(Into::into)
                }
            )*
            $($extra)*
        }
    };
}

operations! {
    extra {
        async fn list_organizations_features(
            &self,
            _ctx: &rt::RequestContext,
            _input: ListOrganizationsFeaturesRequest,
        ) -> Result<ListOrganizationsFeaturesResponse, ListOrganizationsFeaturesError> {
            Err(no_organization().into())
        }

        async fn enable_organizations_root_credentials_management(
            &self,
            _ctx: &rt::RequestContext,
            _input: EnableOrganizationsRootCredentialsManagementRequest,
        ) -> Result<EnableOrganizationsRootCredentialsManagementResponse, EnableOrganizationsRootCredentialsManagementError> {
            Err(no_organization().into())
        }

        async fn disable_organizations_root_credentials_management(
            &self,
            _ctx: &rt::RequestContext,
            _input: DisableOrganizationsRootCredentialsManagementRequest,
        ) -> Result<DisableOrganizationsRootCredentialsManagementResponse, DisableOrganizationsRootCredentialsManagementError> {
            Err(no_organization().into())
        }

        async fn enable_organizations_root_sessions(
            &self,
            _ctx: &rt::RequestContext,
            _input: EnableOrganizationsRootSessionsRequest,
        ) -> Result<EnableOrganizationsRootSessionsResponse, EnableOrganizationsRootSessionsError> {
            Err(no_organization().into())
        }

        async fn disable_organizations_root_sessions(
            &self,
            _ctx: &rt::RequestContext,
            _input: DisableOrganizationsRootSessionsRequest,
        ) -> Result<DisableOrganizationsRootSessionsResponse, DisableOrganizationsRootSessionsError> {
            Err(no_organization().into())
        }

        async fn get_access_key_last_used(
            &self,
            _ctx: &rt::RequestContext,
            input: GetAccessKeyLastUsedRequest,
        ) -> Result<GetAccessKeyLastUsedResponse, GetAccessKeyLastUsedError> {
            // Any key this service issued, in whichever account: STS asks through this
            // operation who signed a request.
            let account_id = self.key_accounts.read().unwrap_or_else(|e| e.into_inner()).get(&input.access_key_id).cloned();
            let account = account_id.and_then(|id| self.accounts.read().unwrap_or_else(|e| e.into_inner()).get(&id).cloned());
            account
                .and_then(|account| keys::last_used(&lock(&account), &input.access_key_id))
                .ok_or_else(|| keys::last_used_missing(&input.access_key_id).into())
        }

        async fn create_access_key(
            &self,
            ctx: &rt::RequestContext,
            input: CreateAccessKeyRequest,
        ) -> Result<CreateAccessKeyResponse, CreateAccessKeyError> {
            let (created, account) =
                self.on_account(ctx, |a, env| Ok((keys::create(a, env, input)?, env.account.clone())))?;
            self.index_keys(&account, [created.access_key.access_key_id.clone()]);
            Ok(created)
        }

        async fn delete_access_key(
            &self,
            ctx: &rt::RequestContext,
            input: DeleteAccessKeyRequest,
        ) -> Result<rt::Unit, DeleteAccessKeyError> {
            let id = input.access_key_id.clone();
            self.on_account(ctx, |a, env| keys::delete(a, env, input))?;
            self.unindex_keys([id]);
            Ok(rt::Unit {})
        }

        async fn delete_user(&self, ctx: &rt::RequestContext, input: DeleteUserRequest) -> Result<rt::Unit, DeleteUserError> {
            // DeleteUser refuses a user that still has keys, so this is normally empty; the
            // index follows whatever the user held all the same.
            let held = self.on_account(ctx, |a, env| {
                let held: Vec<String> = users::find(a, &input.user_name)
                    .map(|u| u.keys.iter().map(|k| k.id.clone()).collect())
                    .unwrap_or_default();
                users::delete(a, env, input).map(|_| held)
            })?;
            self.unindex_keys(held);
            Ok(rt::Unit {})
        }

        fn reset(&self) {
            self.accounts.write().unwrap_or_else(|e| e.into_inner()).clear();
            self.key_accounts.write().unwrap_or_else(|e| e.into_inner()).clear();
        }
    }

    create_user(CreateUserRequest) -> CreateUserResponse, CreateUserError => users::create;
    get_user(GetUserRequest) -> GetUserResponse, GetUserError => users::get;
    list_users(ListUsersRequest) -> ListUsersResponse, ListUsersError => users::list;
    update_user(UpdateUserRequest) -> rt::Unit, UpdateUserError => users::update;
    tag_user(TagUserRequest) -> rt::Unit, TagUserError => users::tag;
    untag_user(UntagUserRequest) -> rt::Unit, UntagUserError => users::untag;
    list_user_tags(ListUserTagsRequest) -> ListUserTagsResponse, ListUserTagsError => users::list_tags;
    put_user_permissions_boundary(PutUserPermissionsBoundaryRequest) -> rt::Unit, PutUserPermissionsBoundaryError => users::put_boundary;
    delete_user_permissions_boundary(DeleteUserPermissionsBoundaryRequest) -> rt::Unit, DeleteUserPermissionsBoundaryError => users::delete_boundary;

    create_group(CreateGroupRequest) -> CreateGroupResponse, CreateGroupError => groups::create;
    get_group(GetGroupRequest) -> GetGroupResponse, GetGroupError => groups::get;
    list_groups(ListGroupsRequest) -> ListGroupsResponse, ListGroupsError => groups::list;
    list_groups_for_user(ListGroupsForUserRequest) -> ListGroupsForUserResponse, ListGroupsForUserError => groups::list_for_user;
    update_group(UpdateGroupRequest) -> rt::Unit, UpdateGroupError => groups::update;
    delete_group(DeleteGroupRequest) -> rt::Unit, DeleteGroupError => groups::delete;
    add_user_to_group(AddUserToGroupRequest) -> rt::Unit, AddUserToGroupError => groups::add_user;
    remove_user_from_group(RemoveUserFromGroupRequest) -> rt::Unit, RemoveUserFromGroupError => groups::remove_user;

    create_role(CreateRoleRequest) -> CreateRoleResponse, CreateRoleError => roles::create;
    get_role(GetRoleRequest) -> GetRoleResponse, GetRoleError => roles::get;
    list_roles(ListRolesRequest) -> ListRolesResponse, ListRolesError => roles::list;
    update_role(UpdateRoleRequest) -> UpdateRoleResponse, UpdateRoleError => roles::update;
    update_role_description(UpdateRoleDescriptionRequest) -> UpdateRoleDescriptionResponse, UpdateRoleDescriptionError => roles::update_description;
    update_assume_role_policy(UpdateAssumeRolePolicyRequest) -> rt::Unit, UpdateAssumeRolePolicyError => roles::update_trust;
    delete_role(DeleteRoleRequest) -> rt::Unit, DeleteRoleError => roles::delete;
    tag_role(TagRoleRequest) -> rt::Unit, TagRoleError => roles::tag;
    untag_role(UntagRoleRequest) -> rt::Unit, UntagRoleError => roles::untag;
    list_role_tags(ListRoleTagsRequest) -> ListRoleTagsResponse, ListRoleTagsError => roles::list_tags;
    put_role_permissions_boundary(PutRolePermissionsBoundaryRequest) -> rt::Unit, PutRolePermissionsBoundaryError => roles::put_boundary;
    delete_role_permissions_boundary(DeleteRolePermissionsBoundaryRequest) -> rt::Unit, DeleteRolePermissionsBoundaryError => roles::delete_boundary;
    create_service_linked_role(CreateServiceLinkedRoleRequest) -> CreateServiceLinkedRoleResponse, CreateServiceLinkedRoleError => roles::create_service_linked;
    delete_service_linked_role(DeleteServiceLinkedRoleRequest) -> DeleteServiceLinkedRoleResponse, DeleteServiceLinkedRoleError => roles::delete_service_linked;
    get_service_linked_role_deletion_status(GetServiceLinkedRoleDeletionStatusRequest) -> GetServiceLinkedRoleDeletionStatusResponse, GetServiceLinkedRoleDeletionStatusError => roles::deletion_status;

    create_policy(CreatePolicyRequest) -> CreatePolicyResponse, CreatePolicyError => policies::create;
    get_policy(GetPolicyRequest) -> GetPolicyResponse, GetPolicyError => policies::get;
    delete_policy(DeletePolicyRequest) -> rt::Unit, DeletePolicyError => policies::delete;
    list_policies(ListPoliciesRequest) -> ListPoliciesResponse, ListPoliciesError => policies::list;
    create_policy_version(CreatePolicyVersionRequest) -> CreatePolicyVersionResponse, CreatePolicyVersionError => policies::create_version;
    get_policy_version(GetPolicyVersionRequest) -> GetPolicyVersionResponse, GetPolicyVersionError => policies::get_version;
    list_policy_versions(ListPolicyVersionsRequest) -> ListPolicyVersionsResponse, ListPolicyVersionsError => policies::list_versions;
    delete_policy_version(DeletePolicyVersionRequest) -> rt::Unit, DeletePolicyVersionError => policies::delete_version;
    set_default_policy_version(SetDefaultPolicyVersionRequest) -> rt::Unit, SetDefaultPolicyVersionError => policies::set_default;
    tag_policy(TagPolicyRequest) -> rt::Unit, TagPolicyError => policies::tag;
    untag_policy(UntagPolicyRequest) -> rt::Unit, UntagPolicyError => policies::untag;
    list_policy_tags(ListPolicyTagsRequest) -> ListPolicyTagsResponse, ListPolicyTagsError => policies::list_tags;
    list_entities_for_policy(ListEntitiesForPolicyRequest) -> ListEntitiesForPolicyResponse, ListEntitiesForPolicyError => policies::list_entities;

    put_user_policy(PutUserPolicyRequest) -> rt::Unit, PutUserPolicyError => inline::put_user;
    put_group_policy(PutGroupPolicyRequest) -> rt::Unit, PutGroupPolicyError => inline::put_group;
    put_role_policy(PutRolePolicyRequest) -> rt::Unit, PutRolePolicyError => inline::put_role;
    get_user_policy(GetUserPolicyRequest) -> GetUserPolicyResponse, GetUserPolicyError => inline::get_user;
    get_group_policy(GetGroupPolicyRequest) -> GetGroupPolicyResponse, GetGroupPolicyError => inline::get_group;
    get_role_policy(GetRolePolicyRequest) -> GetRolePolicyResponse, GetRolePolicyError => inline::get_role;
    delete_user_policy(DeleteUserPolicyRequest) -> rt::Unit, DeleteUserPolicyError => inline::delete_user;
    delete_group_policy(DeleteGroupPolicyRequest) -> rt::Unit, DeleteGroupPolicyError => inline::delete_group;
    delete_role_policy(DeleteRolePolicyRequest) -> rt::Unit, DeleteRolePolicyError => inline::delete_role;
    list_user_policies(ListUserPoliciesRequest) -> ListUserPoliciesResponse, ListUserPoliciesError => inline::list_user;
    list_group_policies(ListGroupPoliciesRequest) -> ListGroupPoliciesResponse, ListGroupPoliciesError => inline::list_group;
    list_role_policies(ListRolePoliciesRequest) -> ListRolePoliciesResponse, ListRolePoliciesError => inline::list_role;

    attach_user_policy(AttachUserPolicyRequest) -> rt::Unit, AttachUserPolicyError => attach::attach_user;
    attach_group_policy(AttachGroupPolicyRequest) -> rt::Unit, AttachGroupPolicyError => attach::attach_group;
    attach_role_policy(AttachRolePolicyRequest) -> rt::Unit, AttachRolePolicyError => attach::attach_role;
    detach_user_policy(DetachUserPolicyRequest) -> rt::Unit, DetachUserPolicyError => attach::detach_user;
    detach_group_policy(DetachGroupPolicyRequest) -> rt::Unit, DetachGroupPolicyError => attach::detach_group;
    detach_role_policy(DetachRolePolicyRequest) -> rt::Unit, DetachRolePolicyError => attach::detach_role;
    list_attached_user_policies(ListAttachedUserPoliciesRequest) -> ListAttachedUserPoliciesResponse, ListAttachedUserPoliciesError => attach::list_user;
    list_attached_group_policies(ListAttachedGroupPoliciesRequest) -> ListAttachedGroupPoliciesResponse, ListAttachedGroupPoliciesError => attach::list_group;
    list_attached_role_policies(ListAttachedRolePoliciesRequest) -> ListAttachedRolePoliciesResponse, ListAttachedRolePoliciesError => attach::list_role;


    list_access_keys(ListAccessKeysRequest) -> ListAccessKeysResponse, ListAccessKeysError => keys::list;
    update_access_key(UpdateAccessKeyRequest) -> rt::Unit, UpdateAccessKeyError => keys::update;
    create_login_profile(CreateLoginProfileRequest) -> CreateLoginProfileResponse, CreateLoginProfileError => keys::create_login;
    get_login_profile(GetLoginProfileRequest) -> GetLoginProfileResponse, GetLoginProfileError => keys::get_login;
    update_login_profile(UpdateLoginProfileRequest) -> rt::Unit, UpdateLoginProfileError => keys::update_login;
    delete_login_profile(DeleteLoginProfileRequest) -> rt::Unit, DeleteLoginProfileError => keys::delete_login;
    change_password(ChangePasswordRequest) -> rt::Unit, ChangePasswordError => keys::change_password;

    create_instance_profile(CreateInstanceProfileRequest) -> CreateInstanceProfileResponse, CreateInstanceProfileError => profiles::create;
    get_instance_profile(GetInstanceProfileRequest) -> GetInstanceProfileResponse, GetInstanceProfileError => profiles::get;
    delete_instance_profile(DeleteInstanceProfileRequest) -> rt::Unit, DeleteInstanceProfileError => profiles::delete;
    list_instance_profiles(ListInstanceProfilesRequest) -> ListInstanceProfilesResponse, ListInstanceProfilesError => profiles::list;
    list_instance_profiles_for_role(ListInstanceProfilesForRoleRequest) -> ListInstanceProfilesForRoleResponse, ListInstanceProfilesForRoleError => profiles::list_for_role;
    add_role_to_instance_profile(AddRoleToInstanceProfileRequest) -> rt::Unit, AddRoleToInstanceProfileError => profiles::add_role;
    remove_role_from_instance_profile(RemoveRoleFromInstanceProfileRequest) -> rt::Unit, RemoveRoleFromInstanceProfileError => profiles::remove_role;
    tag_instance_profile(TagInstanceProfileRequest) -> rt::Unit, TagInstanceProfileError => profiles::tag;
    untag_instance_profile(UntagInstanceProfileRequest) -> rt::Unit, UntagInstanceProfileError => profiles::untag;
    list_instance_profile_tags(ListInstanceProfileTagsRequest) -> ListInstanceProfileTagsResponse, ListInstanceProfileTagsError => profiles::list_tags;

    create_virtual_mfa_device(CreateVirtualMFADeviceRequest) -> CreateVirtualMFADeviceResponse, CreateVirtualMFADeviceError => mfa::create_virtual;
    delete_virtual_mfa_device(DeleteVirtualMFADeviceRequest) -> rt::Unit, DeleteVirtualMFADeviceError => mfa::delete_virtual;
    list_virtual_mfa_devices(ListVirtualMFADevicesRequest) -> ListVirtualMFADevicesResponse, ListVirtualMFADevicesError => mfa::list_virtual;
    enable_mfa_device(EnableMFADeviceRequest) -> rt::Unit, EnableMFADeviceError => mfa::enable;
    deactivate_mfa_device(DeactivateMFADeviceRequest) -> rt::Unit, DeactivateMFADeviceError => mfa::deactivate;
    resync_mfa_device(ResyncMFADeviceRequest) -> rt::Unit, ResyncMFADeviceError => mfa::resync;
    list_mfa_devices(ListMFADevicesRequest) -> ListMFADevicesResponse, ListMFADevicesError => mfa::list;
    get_mfa_device(GetMFADeviceRequest) -> GetMFADeviceResponse, GetMFADeviceError => mfa::get;
    tag_mfa_device(TagMFADeviceRequest) -> rt::Unit, TagMFADeviceError => mfa::tag;
    untag_mfa_device(UntagMFADeviceRequest) -> rt::Unit, UntagMFADeviceError => mfa::untag;
    list_mfa_device_tags(ListMFADeviceTagsRequest) -> ListMFADeviceTagsResponse, ListMFADeviceTagsError => mfa::list_tags;

    create_open_id_connect_provider(CreateOpenIDConnectProviderRequest) -> CreateOpenIDConnectProviderResponse, CreateOpenIDConnectProviderError => providers::create_oidc;
    get_open_id_connect_provider(GetOpenIDConnectProviderRequest) -> GetOpenIDConnectProviderResponse, GetOpenIDConnectProviderError => providers::get_oidc;
    list_open_id_connect_providers(ListOpenIDConnectProvidersRequest) -> ListOpenIDConnectProvidersResponse, ListOpenIDConnectProvidersError => providers::list_oidc;
    delete_open_id_connect_provider(DeleteOpenIDConnectProviderRequest) -> rt::Unit, DeleteOpenIDConnectProviderError => providers::delete_oidc;
    add_client_id_to_open_id_connect_provider(AddClientIDToOpenIDConnectProviderRequest) -> rt::Unit, AddClientIDToOpenIDConnectProviderError => providers::add_client;
    remove_client_id_from_open_id_connect_provider(RemoveClientIDFromOpenIDConnectProviderRequest) -> rt::Unit, RemoveClientIDFromOpenIDConnectProviderError => providers::remove_client;
    update_open_id_connect_provider_thumbprint(UpdateOpenIDConnectProviderThumbprintRequest) -> rt::Unit, UpdateOpenIDConnectProviderThumbprintError => providers::update_thumbprints;
    tag_open_id_connect_provider(TagOpenIDConnectProviderRequest) -> rt::Unit, TagOpenIDConnectProviderError => providers::tag_oidc;
    untag_open_id_connect_provider(UntagOpenIDConnectProviderRequest) -> rt::Unit, UntagOpenIDConnectProviderError => providers::untag_oidc;
    list_open_id_connect_provider_tags(ListOpenIDConnectProviderTagsRequest) -> ListOpenIDConnectProviderTagsResponse, ListOpenIDConnectProviderTagsError => providers::list_oidc_tags;
    create_saml_provider(CreateSAMLProviderRequest) -> CreateSAMLProviderResponse, CreateSAMLProviderError => providers::create_saml;
    get_saml_provider(GetSAMLProviderRequest) -> GetSAMLProviderResponse, GetSAMLProviderError => providers::get_saml;
    list_saml_providers(ListSAMLProvidersRequest) -> ListSAMLProvidersResponse, ListSAMLProvidersError => providers::list_saml;
    update_saml_provider(UpdateSAMLProviderRequest) -> UpdateSAMLProviderResponse, UpdateSAMLProviderError => providers::update_saml;
    delete_saml_provider(DeleteSAMLProviderRequest) -> rt::Unit, DeleteSAMLProviderError => providers::delete_saml;
    tag_saml_provider(TagSAMLProviderRequest) -> rt::Unit, TagSAMLProviderError => providers::tag_saml;
    untag_saml_provider(UntagSAMLProviderRequest) -> rt::Unit, UntagSAMLProviderError => providers::untag_saml;
    list_saml_provider_tags(ListSAMLProviderTagsRequest) -> ListSAMLProviderTagsResponse, ListSAMLProviderTagsError => providers::list_saml_tags;

    create_account_alias(CreateAccountAliasRequest) -> rt::Unit, CreateAccountAliasError => account::create_alias;
    delete_account_alias(DeleteAccountAliasRequest) -> rt::Unit, DeleteAccountAliasError => account::delete_alias;
    list_account_aliases(ListAccountAliasesRequest) -> ListAccountAliasesResponse, ListAccountAliasesError => account::list_aliases;
    update_account_password_policy(UpdateAccountPasswordPolicyRequest) -> rt::Unit, UpdateAccountPasswordPolicyError => account::update_password_policy;
    get_account_password_policy(rt::Unit) -> GetAccountPasswordPolicyResponse, GetAccountPasswordPolicyError => account::get_password_policy;
    delete_account_password_policy(rt::Unit) -> rt::Unit, DeleteAccountPasswordPolicyError => account::delete_password_policy;
    get_account_summary(rt::Unit) -> GetAccountSummaryResponse, GetAccountSummaryError => account::summary;

    get_account_authorization_details(GetAccountAuthorizationDetailsRequest) -> GetAccountAuthorizationDetailsResponse, GetAccountAuthorizationDetailsError => details::get;
    simulate_principal_policy(SimulatePrincipalPolicyRequest) -> SimulatePolicyResponse, SimulatePrincipalPolicyError => simulate::principal;
    simulate_custom_policy(SimulateCustomPolicyRequest) -> SimulatePolicyResponse, SimulateCustomPolicyError => simulate::custom;
    get_context_keys_for_custom_policy(GetContextKeysForCustomPolicyRequest) -> GetContextKeysForPolicyResponse, GetContextKeysForCustomPolicyError => simulate::keys_for_custom;
    get_context_keys_for_principal_policy(GetContextKeysForPrincipalPolicyRequest) -> GetContextKeysForPolicyResponse, GetContextKeysForPrincipalPolicyError => simulate::keys_for_principal;

    upload_server_certificate(UploadServerCertificateRequest) -> UploadServerCertificateResponse, UploadServerCertificateError => certificates::upload_server;
    get_server_certificate(GetServerCertificateRequest) -> GetServerCertificateResponse, GetServerCertificateError => certificates::get_server;
    list_server_certificates(ListServerCertificatesRequest) -> ListServerCertificatesResponse, ListServerCertificatesError => certificates::list_server;
    update_server_certificate(UpdateServerCertificateRequest) -> rt::Unit, UpdateServerCertificateError => certificates::update_server;
    delete_server_certificate(DeleteServerCertificateRequest) -> rt::Unit, DeleteServerCertificateError => certificates::delete_server;
    tag_server_certificate(TagServerCertificateRequest) -> rt::Unit, TagServerCertificateError => certificates::tag_server;
    untag_server_certificate(UntagServerCertificateRequest) -> rt::Unit, UntagServerCertificateError => certificates::untag_server;
    list_server_certificate_tags(ListServerCertificateTagsRequest) -> ListServerCertificateTagsResponse, ListServerCertificateTagsError => certificates::list_server_tags;
    upload_signing_certificate(UploadSigningCertificateRequest) -> UploadSigningCertificateResponse, UploadSigningCertificateError => certificates::upload_signing;
    list_signing_certificates(ListSigningCertificatesRequest) -> ListSigningCertificatesResponse, ListSigningCertificatesError => certificates::list_signing;
    update_signing_certificate(UpdateSigningCertificateRequest) -> rt::Unit, UpdateSigningCertificateError => certificates::update_signing;
    delete_signing_certificate(DeleteSigningCertificateRequest) -> rt::Unit, DeleteSigningCertificateError => certificates::delete_signing;

    upload_ssh_public_key(UploadSSHPublicKeyRequest) -> UploadSSHPublicKeyResponse, UploadSSHPublicKeyError => ssh::upload;
    get_ssh_public_key(GetSSHPublicKeyRequest) -> GetSSHPublicKeyResponse, GetSSHPublicKeyError => ssh::get;
    list_ssh_public_keys(ListSSHPublicKeysRequest) -> ListSSHPublicKeysResponse, ListSSHPublicKeysError => ssh::list;
    update_ssh_public_key(UpdateSSHPublicKeyRequest) -> rt::Unit, UpdateSSHPublicKeyError => ssh::update;
    delete_ssh_public_key(DeleteSSHPublicKeyRequest) -> rt::Unit, DeleteSSHPublicKeyError => ssh::delete;
    create_service_specific_credential(CreateServiceSpecificCredentialRequest) -> CreateServiceSpecificCredentialResponse, CreateServiceSpecificCredentialError => ssh::create_cred;
    list_service_specific_credentials(ListServiceSpecificCredentialsRequest) -> ListServiceSpecificCredentialsResponse, ListServiceSpecificCredentialsError => ssh::list_creds;
    reset_service_specific_credential(ResetServiceSpecificCredentialRequest) -> ResetServiceSpecificCredentialResponse, ResetServiceSpecificCredentialError => ssh::reset_cred;
    update_service_specific_credential(UpdateServiceSpecificCredentialRequest) -> rt::Unit, UpdateServiceSpecificCredentialError => ssh::update_cred;
    delete_service_specific_credential(DeleteServiceSpecificCredentialRequest) -> rt::Unit, DeleteServiceSpecificCredentialError => ssh::delete_cred;

    generate_credential_report(rt::Unit) -> GenerateCredentialReportResponse, GenerateCredentialReportError => report::generate;
    get_credential_report(rt::Unit) -> GetCredentialReportResponse, GetCredentialReportError => report::get;
    set_security_token_service_preferences(SetSecurityTokenServicePreferencesRequest) -> rt::Unit, SetSecurityTokenServicePreferencesError => report::set_sts_preferences;

    list_policies_granting_service_access(ListPoliciesGrantingServiceAccessRequest) -> ListPoliciesGrantingServiceAccessResponse, ListPoliciesGrantingServiceAccessError => access::list;

    generate_service_last_accessed_details(GenerateServiceLastAccessedDetailsRequest) -> GenerateServiceLastAccessedDetailsResponse, GenerateServiceLastAccessedDetailsError => last_accessed::generate;
    get_service_last_accessed_details(GetServiceLastAccessedDetailsRequest) -> GetServiceLastAccessedDetailsResponse, GetServiceLastAccessedDetailsError => last_accessed::get;
    get_service_last_accessed_details_with_entities(GetServiceLastAccessedDetailsWithEntitiesRequest) -> GetServiceLastAccessedDetailsWithEntitiesResponse, GetServiceLastAccessedDetailsWithEntitiesError => last_accessed::get_with_entities;
}

/// Keys of IAM users act in their user's account in every service, whatever account the
/// key's text suggests; a key its user deactivated is refused everywhere, as on AWS.
impl ferrostack_store::AccessKeyAccounts for Handler {
    fn standing(&self, access_key_id: &str, _session_token: Option<&str>) -> ferrostack_store::KeyStanding {
        use ferrostack_store::KeyStanding;
        // Only IAM issues AKIA keys; skip the lookup for every other request.
        if !access_key_id.starts_with("AKIA") {
            return KeyStanding::Unknown;
        }
        match self.key_account(access_key_id) {
            Some((account, true)) => KeyStanding::Valid { account },
            Some((_, false)) => KeyStanding::NotRecognised,
            None => KeyStanding::Unknown,
        }
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::default());
    peers.register::<dyn iam_api::Handler>(handler.clone());
    peers.add::<dyn ferrostack_store::AccessKeyAccounts>(handler.clone());
    iam_api::service(handler)
}
