//! MFA devices: virtual devices are created and stored; enabling one (or a hardware
//! serial) for a user records it. Codes are not checked against a TOTP clock.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::env::{path_or_root, Env};
use crate::errors::*;
use crate::paging::{page, page_ordered};
use crate::state::{key, Account, MfaRec};
use crate::{tags, users};

/// MFA devices per user.
const MAX_PER_USER: usize = 8;

fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | b as u32;
        bits += 8;
        while bits >= 5 {
            out.push(ALPHABET[((buffer >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn render(a: &Account, env: &Env, d: &MfaRec, with_seed: bool) -> VirtualMFADevice {
    VirtualMFADevice {
        serial_number: d.serial.clone(),
        base32_string_seed: with_seed.then(|| rt::Bytes::from(base32(&d.seed).into_bytes())),
        qr_code_png: None,
        user: d.user.as_ref().and_then(|k| a.users.get(k)).map(|u| users::render(env, u, false)),
        enable_date: d.enabled,
        tags: tags::render(&d.tags),
    }
}

fn virtual_missing(serial: &str) -> Error {
    no_such_entity(format!("VirtualMFADevice with serial number {serial} doesn't exist."))
}

pub fn create_virtual(
    a: &mut Account,
    env: &Env,
    input: CreateVirtualMFADeviceRequest,
) -> Result<CreateVirtualMFADeviceResponse> {
    let path = path_or_root(input.path);
    let serial = env.arn("mfa", &path, &input.virtual_mfa_device_name);
    if a.mfa.contains_key(&serial) {
        return Err(already_exists("MFADevice entity at the same path and name already exists."));
    }
    let rec = MfaRec {
        serial: serial.clone(),
        seed: crate::ids::bytes(40),
        user: None,
        enabled: None,
        tags: tags::initial(input.tags)?,
    };
    let out = render(a, env, &rec, true);
    a.mfa.insert(serial, rec);
    Ok(CreateVirtualMFADeviceResponse { virtual_mfa_device: out })
}

pub fn delete_virtual(a: &mut Account, _env: &Env, input: DeleteVirtualMFADeviceRequest) -> Result<rt::Unit> {
    let d = a.mfa.get(&input.serial_number).ok_or_else(|| virtual_missing(&input.serial_number))?;
    if d.user.is_some() {
        return Err(delete_conflict("MFA device is already in use."));
    }
    a.mfa.remove(&input.serial_number);
    Ok(rt::Unit {})
}

pub fn list_virtual(
    a: &mut Account,
    env: &Env,
    input: ListVirtualMFADevicesRequest,
) -> Result<ListVirtualMFADevicesResponse> {
    let wanted = input.assignment_status.unwrap_or(assignmentStatusType::Any);
    let items = a
        .mfa
        .iter()
        .filter(|(_, d)| match wanted {
            assignmentStatusType::Assigned => d.user.is_some(),
            assignmentStatusType::Unassigned => d.user.is_none(),
            _ => true,
        })
        .map(|(k, d)| (k.clone(), render(a, env, d, false)))
        .collect();
    let p = page(items, input.marker.as_deref(), input.max_items)?;
    Ok(ListVirtualMFADevicesResponse { virtual_mfa_devices: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn enable(a: &mut Account, env: &Env, input: EnableMFADeviceRequest) -> Result<rt::Unit> {
    let uk = key(&users::find(a, &input.user_name)?.name);
    if a.users.values().any(|u| u.mfa.iter().any(|(s, _)| *s == input.serial_number)) {
        return Err(already_exists("MFA Device is already in use."));
    }
    if users::find(a, &input.user_name)?.mfa.len() >= MAX_PER_USER {
        return Err(limit_exceeded(format!("Cannot exceed quota for MFADevicesPerUser: {MAX_PER_USER}")));
    }
    if let Some(d) = a.mfa.get_mut(&input.serial_number) {
        d.user = Some(uk.clone());
        d.enabled = Some(env.now);
    } else if input.serial_number.starts_with("arn:") && input.serial_number.contains(":mfa/") {
        // An ARN-shaped serial names a virtual device, which must exist.
        return Err(virtual_missing(&input.serial_number));
    }
    users::find_mut(a, &input.user_name)?.mfa.push((input.serial_number, env.now));
    Ok(rt::Unit {})
}

fn device_missing(serial: &str) -> Error {
    no_such_entity(format!("MFA Device with serial number {serial} does not exist."))
}

pub fn deactivate(a: &mut Account, env: &Env, input: DeactivateMFADeviceRequest) -> Result<rt::Unit> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find_mut(a, &name)?;
    if !u.mfa.iter().any(|(s, _)| *s == input.serial_number) {
        return Err(device_missing(&input.serial_number));
    }
    u.mfa.retain(|(s, _)| *s != input.serial_number);
    if let Some(d) = a.mfa.get_mut(&input.serial_number) {
        d.user = None;
        d.enabled = None;
    }
    Ok(rt::Unit {})
}

pub fn resync(a: &mut Account, _env: &Env, input: ResyncMFADeviceRequest) -> Result<rt::Unit> {
    let u = users::find(a, &input.user_name)?;
    if !u.mfa.iter().any(|(s, _)| *s == input.serial_number) {
        return Err(device_missing(&input.serial_number));
    }
    Ok(rt::Unit {})
}

pub fn list(a: &mut Account, env: &Env, input: ListMFADevicesRequest) -> Result<ListMFADevicesResponse> {
    let name = users::named_or_caller(a, env, input.user_name.as_deref())?;
    let u = users::find(a, &name)?;
    let items = u
        .mfa
        .iter()
        .map(|(s, at)| MFADevice { user_name: u.name.clone(), serial_number: s.clone(), enable_date: *at })
        .collect();
    let p = page_ordered(items, input.marker.as_deref(), input.max_items)?;
    Ok(ListMFADevicesResponse { mfa_devices: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

pub fn get(a: &mut Account, _env: &Env, input: GetMFADeviceRequest) -> Result<GetMFADeviceResponse> {
    let found = a
        .users
        .values()
        .find_map(|u| u.mfa.iter().find(|(s, _)| *s == input.serial_number).map(|(_, at)| (u.name.clone(), *at)));
    let (user, at) = found.ok_or_else(|| device_missing(&input.serial_number))?;
    if let Some(n) = &input.user_name {
        if !n.eq_ignore_ascii_case(&user) {
            return Err(device_missing(&input.serial_number));
        }
    }
    Ok(GetMFADeviceResponse {
        user_name: Some(user),
        serial_number: input.serial_number,
        enable_date: Some(at),
        certifications: None,
    })
}

fn find_mut<'a>(a: &'a mut Account, serial: &str) -> Result<&'a mut MfaRec> {
    a.mfa.get_mut(serial).ok_or_else(|| virtual_missing(serial))
}

pub fn tag(a: &mut Account, _env: &Env, input: TagMFADeviceRequest) -> Result<rt::Unit> {
    tags::add(&mut find_mut(a, &input.serial_number)?.tags, input.tags)?;
    Ok(rt::Unit {})
}

pub fn untag(a: &mut Account, _env: &Env, input: UntagMFADeviceRequest) -> Result<rt::Unit> {
    tags::remove(&mut find_mut(a, &input.serial_number)?.tags, &input.tag_keys);
    Ok(rt::Unit {})
}

pub fn list_tags(a: &mut Account, _env: &Env, input: ListMFADeviceTagsRequest) -> Result<ListMFADeviceTagsResponse> {
    let p = tags::list(&find_mut(a, &input.serial_number)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListMFADeviceTagsResponse { tags: p.items, is_truncated: p.is_truncated, marker: p.marker })
}

#[cfg(test)]
mod tests {
    #[test]
    fn base32_matches_rfc4648() {
        assert_eq!(super::base32(b"foobar"), "MZXW6YTBOI");
    }
}
