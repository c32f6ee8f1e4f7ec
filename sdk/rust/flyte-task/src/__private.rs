//! What `task!` and `library!` expand to. Not a stable API.

use std::any::Any;
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::ffi::{
    self, FLYTE_Call, FLYTE_Error, FLYTE_HostApi, FLYTE_SecretRequest, FLYTE_Variable,
};
use crate::{Context, Error, Result, TypeName};

/// Makes a static of raw pointers (a descriptor, a table) shareable: it is
/// immutable and points only at other statics.
#[repr(transparent)]
pub struct Shared<T>(pub T);
// SAFETY: only ever wraps immutable data that points at immutable statics.
unsafe impl<T> Sync for Shared<T> {}

const NULL: *const c_char = std::ptr::null();

/// The variables of an interface, pointing at the statics that hold their
/// names and types.
pub const fn variables<const N: usize>(
    names: &[&'static str; N],
    types: &'static [TypeName; N],
) -> [FLYTE_Variable; N] {
    let mut out = [FLYTE_Variable { name: NULL, r#type: NULL, description: NULL }; N];
    let mut i = 0;
    while i < N {
        out[i].name = names[i].as_ptr().cast();
        out[i].r#type = types[i].as_ptr();
        i += 1;
    }
    out
}

const fn eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// `#[secret(group = "g", key = "k", group_version = "v", env_var = "E",
/// mount = "env_var")]`: keys as written, values NUL-terminated.
pub const fn secret(fields: &[(&str, &'static str)]) -> FLYTE_SecretRequest {
    let mut s = FLYTE_SecretRequest {
        group: NULL,
        key: NULL,
        group_version: NULL,
        mount_requirement: ffi::FLYTE_SECRET_MOUNT_ANY,
        env_var: NULL,
    };
    let mut i = 0;
    while i < fields.len() {
        let (k, v) = fields[i];
        let p = v.as_ptr().cast();
        if eq(k, "group") {
            s.group = p;
        } else if eq(k, "key") {
            s.key = p;
        } else if eq(k, "group_version") {
            s.group_version = p;
        } else if eq(k, "env_var") {
            s.env_var = p;
        } else if eq(k, "mount") {
            s.mount_requirement = if eq(v, "any\0") {
                ffi::FLYTE_SECRET_MOUNT_ANY
            } else if eq(v, "env_var\0") {
                ffi::FLYTE_SECRET_MOUNT_ENV_VAR
            } else if eq(v, "file\0") {
                ffi::FLYTE_SECRET_MOUNT_FILE
            } else {
                panic!("#[secret(mount = ...)] is one of \"any\", \"env_var\", \"file\"")
            };
        } else {
            panic!("#[secret(...)] takes group, key, group_version, env_var and mount")
        }
        i += 1;
    }
    assert!(!s.group.is_null() && !s.key.is_null(), "#[secret(...)] needs group and key");
    s
}

/// A doc comment as a NUL-terminated description, the way rustdoc reads
/// it: one leading space per line dropped (`/// text` gives " text"), lines
/// of a paragraph joined with a space, paragraphs with a newline, trailing
/// white space cut. `N` is `doc.len() + 1` (the result is never longer).
pub const fn description<const N: usize>(doc: &str) -> [u8; N] {
    let src = doc.as_bytes();
    let mut out = [0u8; N];
    let (mut i, mut o, mut line_start) = (0, 0, true);
    while i < src.len() {
        let c = src[i];
        i += 1;
        if line_start && c == b' ' {
            line_start = false;
            continue;
        }
        if c == b'\n' {
            line_start = true;
            // An empty line ends a paragraph; a line break inside one is a space.
            let blank = o == 0 || out[o - 1] == b'\n';
            if blank || i >= src.len() {
                continue;
            }
            let next_blank =
                src[i] == b'\n' || (src[i] == b' ' && i + 1 < src.len() && src[i + 1] == b'\n');
            out[o] = if next_blank { b'\n' } else { b' ' };
            o += 1;
            continue;
        }
        line_start = false;
        out[o] = c;
        o += 1;
    }
    while o > 0 && matches!(out[o - 1], b'\n' | b' ' | b'\t' | b'\r') {
        o -= 1;
        out[o] = 0;
    }
    out
}

pub const fn description_ptr(buf: &'static [u8]) -> *const c_char {
    if buf[0] == 0 {
        NULL
    } else {
        buf.as_ptr().cast()
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic with a payload that is not a string".to_owned()
    }
}

fn host_error(
    api: &FLYTE_HostApi,
    code: &str,
    message: &str,
    recoverable: bool,
) -> *mut FLYTE_Error {
    // NUL cannot reach C: cut at the first one rather than lose the error.
    let c =
        |s: &str| std::ffi::CString::new(s.split('\0').next().unwrap_or("")).unwrap_or_default();
    let kind =
        if recoverable { ffi::FLYTE_ERROR_RECOVERABLE } else { ffi::FLYTE_ERROR_NON_RECOVERABLE };
    match api.error_new {
        // SAFETY: error_new copies both strings and never returns NULL.
        Some(new) => unsafe { new(c(code).as_ptr(), c(message).as_ptr(), kind) },
        None => std::process::abort(),
    }
}

/// The body of every task's `run`: checks the host's table, runs `body`
/// with the context, and turns an `Err` or a panic into a host error.
/// Nothing unwinds out of here.
///
/// # Safety
/// `api` and `call` are what the host passed to `run`.
pub unsafe fn run(
    api: *const FLYTE_HostApi,
    call: *mut FLYTE_Call,
    body: impl FnOnce(&Context) -> Result<()>,
) -> *mut FLYTE_Error {
    if api.is_null() {
        // No table, no way to report: the host broke the ABI.
        std::process::abort();
    }
    // SAFETY: the host's table outlives this call.
    let table = unsafe { &*api };
    if table.api_version_major != ffi::FLYTE_TASK_API_VERSION_MAJOR
        || table.struct_size < std::mem::size_of::<FLYTE_HostApi>()
    {
        return host_error(
            table,
            "USER:AbiMismatch",
            &format!(
                "this task library was built against flyte/task.h {}.{} and needs a flyte-execute that \
                 provides it (the host's API is {}.{})",
                ffi::FLYTE_TASK_API_VERSION_MAJOR,
                ffi::FLYTE_TASK_API_VERSION_MINOR,
                table.api_version_major,
                table.api_version_minor
            ),
            false,
        );
    }
    let ctx = Context { api, call };
    let error = match catch_unwind(AssertUnwindSafe(|| body(&ctx))) {
        Ok(Ok(())) => return std::ptr::null_mut(),
        Ok(Err(e)) => e,
        Err(payload) => {
            let e = Error::user("USER:Panic", panic_message(&*payload));
            // A payload whose Drop panics must not unwind into the host either.
            if catch_unwind(AssertUnwindSafe(|| drop(payload))).is_err() {
                // The second payload is leaked on purpose: dropping it could panic again.
            }
            e
        }
    };
    host_error(table, error.code(), error.message(), error.is_recoverable())
}

/// `FLYTE_TaskLibraryApiVersion` for `library!`.
///
/// # Safety
/// Both pointers are writable (the host passes its own variables).
pub unsafe fn api_version(major: *mut u32, minor: *mut u32) {
    if !major.is_null() && !minor.is_null() {
        // SAFETY: the caller passes writable pointers.
        unsafe {
            *major = ffi::FLYTE_TASK_API_VERSION_MAJOR;
            *minor = ffi::FLYTE_TASK_API_VERSION_MINOR;
        }
    }
}

/// How many names a macro repetition gave (an empty `[]` has no type).
pub const fn count(names: &[&str]) -> usize {
    names.len()
}

#[cfg(test)]
mod tests {
    fn text<const N: usize>(buf: [u8; N]) -> String {
        String::from_utf8(buf.iter().copied().take_while(|&c| c != 0).collect()).unwrap()
    }

    #[test]
    fn doc_comments_become_one_line_per_paragraph() {
        assert_eq!(text(super::description::<64>(" Adds two\n integers.\n")), "Adds two integers.");
        assert_eq!(text(super::description::<64>(" One.\n\n Two\n lines.\n")), "One.\nTwo lines.");
        assert_eq!(text(super::description::<64>(" One.\n \n Two.\n")), "One.\nTwo.");
        assert_eq!(text(super::description::<1>("")), "");
    }

    #[test]
    fn secrets_take_their_fields_by_name() {
        let s = super::secret(&[("group", "g\0"), ("key", "k\0"), ("mount", "file\0")]);
        assert_eq!(s.mount_requirement, crate::ffi::FLYTE_SECRET_MOUNT_FILE);
        assert!(s.group_version.is_null() && s.env_var.is_null());
    }
}
