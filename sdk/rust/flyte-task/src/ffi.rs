//! Raw declarations of `lib/include/flyte/task.h`, ABI 1.1, written by hand.
//!
//! Names, field order and types follow the header exactly, so that the C
//! documentation applies unchanged. `tests/abi_layout.rs` compiles a C
//! program against the real header and checks every struct's size, every
//! field's offset and every constant against this file; rerun it
//! (`cargo test --test abi_layout`) after changing either side.
//!
//! Everything here is `unsafe` to use; the safe API is the crate root. The
//! rules task.h states, which every caller of these declarations must keep:
//!
//! - **Threads.** A `FLYTE_Call` and every host function called with it
//!   belong to the thread the host called `run` on, and only while `run`
//!   executes. (`FLYTE_Call` is neither `Send` nor `Sync`.)
//! - **Borrowed host data.** Strings, paths and bytes the host hands out
//!   (`*const c_char` out-parameters) stay valid until `run` returns; copy
//!   them to keep them longer. A length, where given, is authoritative (the
//!   data may hold NUL bytes).
//! - **Data passed in.** Names and values the task passes are only read
//!   during the call; the host copies what it keeps.
//! - **Errors.** A non-NULL `*mut FLYTE_Error` returned by a host function is
//!   owned by the task: return it from `run` or release it with
//!   `error_delete`. `error_code` / `error_message` strings live until then.
//! - **Descriptors** and everything they point to live, unchanged, as long as
//!   the library is loaded (statics).
//! - **Unwinding.** Nothing may unwind out of `run` into the host (the host
//!   never unwinds into the task); Rust's `extern "C"` functions abort on an
//!   escaping panic, and the safe API catches panics before that.
//! - **Versions.** Members of `FLYTE_HostApi` beyond the host's
//!   `struct_size` do not exist; a library of ABI 1.0 may call every member
//!   declared here once `api_version_major == 1` and `struct_size` covers
//!   the table.
#![allow(non_camel_case_types, non_snake_case)]

use std::os::raw::c_char;

/// `FLYTE_TASK_API_VERSION_MAJOR`: the ABI version this crate declares.
pub const FLYTE_TASK_API_VERSION_MAJOR: u32 = 1;
/// `FLYTE_TASK_API_VERSION_MINOR`.
pub const FLYTE_TASK_API_VERSION_MINOR: u32 = 1;

/// One invocation of a task; opaque, owned by the host, valid only while
/// the task's `run` executes.
#[repr(C)]
pub struct FLYTE_Call {
    _opaque: [u8; 0],
    // Neither Send nor Sync: a call belongs to the thread that runs the task.
    _not_send: std::marker::PhantomData<*mut u8>,
}

/// An error (code, message, kind); opaque. Whoever holds it owns it.
#[repr(C)]
pub struct FLYTE_Error {
    _opaque: [u8; 0],
    _not_send: std::marker::PhantomData<*mut u8>,
}

/// `FLYTE_ErrorKind` (a C enum: `int`-sized on every ABI we target).
pub type FLYTE_ErrorKind = u32;
pub const FLYTE_ERROR_NON_RECOVERABLE: FLYTE_ErrorKind = 0;
pub const FLYTE_ERROR_RECOVERABLE: FLYTE_ErrorKind = 1;

pub const FLYTE_LOG_DEBUG: i32 = 10;
pub const FLYTE_LOG_INFO: i32 = 20;
pub const FLYTE_LOG_WARNING: i32 = 30;
pub const FLYTE_LOG_ERROR: i32 = 40;
pub const FLYTE_LOG_CRITICAL: i32 = 50;

/// One input or output of a task's interface (see task.h for the type
/// grammar). Strings are NUL-terminated and live as long as the library.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct FLYTE_Variable {
    pub name: *const c_char,
    pub r#type: *const c_char,
    pub description: *const c_char,
}

pub const FLYTE_SECRET_MOUNT_ANY: u32 = 0;
pub const FLYTE_SECRET_MOUNT_ENV_VAR: u32 = 1;
pub const FLYTE_SECRET_MOUNT_FILE: u32 = 2;

/// A secret the task needs (flyteidl.core.Secret).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct FLYTE_SecretRequest {
    pub group: *const c_char,
    pub key: *const c_char,
    pub group_version: *const c_char,
    pub mount_requirement: u32,
    pub env_var: *const c_char,
}

pub const FLYTE_TASK_ENABLE_DECK: u32 = 0x1;
/// Since 1.1: may run on preemptible nodes (registration only).
pub const FLYTE_TASK_INTERRUPTIBLE: u32 = 0x2;
/// Since 1.1: cache outputs; needs `cache_version` (registration only).
pub const FLYTE_TASK_CACHE: u32 = 0x4;

/// Since 1.1: a Kubernetes resource quantity, e.g. `{"cpu", "500m"}`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct FLYTE_Resource {
    pub name: *const c_char,
    pub value: *const c_char,
}

/// Since 1.1: an environment variable of the task's container (stored in
/// the registered task in clear: never a secret).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct FLYTE_EnvVar {
    pub name: *const c_char,
    pub value: *const c_char,
}

/// `FLYTE_TaskDescriptor.run`.
pub type FLYTE_RunFn =
    unsafe extern "C" fn(api: *const FLYTE_HostApi, call: *mut FLYTE_Call) -> *mut FLYTE_Error;

/// A task, exported as a const object under its symbol name.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct FLYTE_TaskDescriptor {
    pub struct_size: u32,
    pub api_version_major: u32,
    pub api_version_minor: u32,
    pub name: *const c_char,
    pub description: *const c_char,
    pub inputs: *const FLYTE_Variable,
    pub input_count: usize,
    pub outputs: *const FLYTE_Variable,
    pub output_count: usize,
    pub secrets: *const FLYTE_SecretRequest,
    pub secret_count: usize,
    pub flags: u32,
    pub run: Option<FLYTE_RunFn>,
    // Since 1.1: how the task is registered (`flyte-execute package`); a run
    // ignores them.
    pub retries: u32,
    pub timeout_ns: i64,
    pub cache_version: *const c_char,
    pub requests: *const FLYTE_Resource,
    pub request_count: usize,
    pub limits: *const FLYTE_Resource,
    pub limit_count: usize,
    pub env: *const FLYTE_EnvVar,
    pub env_count: usize,
}

type Call = *mut FLYTE_Call;
type Err = *mut FLYTE_Error;

/// The host function table (`struct FLYTE_HostApi`). Every member returns
/// NULL on success or an error the caller then owns, except the `error_*`
/// accessors. Members are `Option` because a C function pointer may be NULL;
/// the host of ABI 1.x fills every member of 1.0.
#[repr(C)]
pub struct FLYTE_HostApi {
    pub struct_size: usize,
    pub api_version_major: u32,
    pub api_version_minor: u32,

    pub error_new: Option<
        unsafe extern "C" fn(
            code: *const c_char,
            message: *const c_char,
            kind: FLYTE_ErrorKind,
        ) -> Err,
    >,
    pub error_code: Option<unsafe extern "C" fn(error: *const FLYTE_Error) -> *const c_char>,
    pub error_message: Option<unsafe extern "C" fn(error: *const FLYTE_Error) -> *const c_char>,
    pub error_kind: Option<unsafe extern "C" fn(error: *const FLYTE_Error) -> FLYTE_ErrorKind>,
    pub error_delete: Option<unsafe extern "C" fn(error: Err)>,

    pub working_directory:
        Option<unsafe extern "C" fn(call: Call, path: *mut *const c_char) -> Err>,
    pub execution_id: Option<unsafe extern "C" fn(call: Call, id: *mut *const c_char) -> Err>,
    pub task_id: Option<unsafe extern "C" fn(call: Call, id: *mut *const c_char) -> Err>,
    pub execution_date: Option<unsafe extern "C" fn(call: Call, unix_ns: *mut i64) -> Err>,
    pub raw_output_prefix:
        Option<unsafe extern "C" fn(call: Call, prefix: *mut *const c_char) -> Err>,
    pub attempt: Option<unsafe extern "C" fn(call: Call, attempt: *mut u32) -> Err>,

    pub input_int64:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, value: *mut i64) -> Err>,
    pub input_double:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, value: *mut f64) -> Err>,
    pub input_bool:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, value: *mut bool) -> Err>,
    pub input_string: Option<
        unsafe extern "C" fn(
            call: Call,
            name: *const c_char,
            data: *mut *const c_char,
            len: *mut usize,
        ) -> Err,
    >,
    pub input_datetime:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, unix_ns: *mut i64) -> Err>,
    pub input_duration:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, ns: *mut i64) -> Err>,
    pub input_json: Option<
        unsafe extern "C" fn(
            call: Call,
            name: *const c_char,
            json: *mut *const c_char,
            len: *mut usize,
        ) -> Err,
    >,
    pub input_path: Option<
        unsafe extern "C" fn(
            call: Call,
            name: *const c_char,
            local_path: *mut *const c_char,
        ) -> Err,
    >,

    pub output_int64:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, value: i64) -> Err>,
    pub output_double:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, value: f64) -> Err>,
    pub output_bool:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, value: bool) -> Err>,
    pub output_string: Option<
        unsafe extern "C" fn(
            call: Call,
            name: *const c_char,
            data: *const c_char,
            len: usize,
        ) -> Err,
    >,
    pub output_datetime:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, unix_ns: i64) -> Err>,
    pub output_duration:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, ns: i64) -> Err>,
    pub output_json: Option<
        unsafe extern "C" fn(
            call: Call,
            name: *const c_char,
            json: *const c_char,
            len: usize,
        ) -> Err,
    >,
    pub output_path: Option<
        unsafe extern "C" fn(call: Call, name: *const c_char, local_path: *const c_char) -> Err,
    >,

    pub secret_get: Option<
        unsafe extern "C" fn(
            call: Call,
            group: *const c_char,
            key: *const c_char,
            group_version: *const c_char,
            value: *mut *const c_char,
            len: *mut usize,
        ) -> Err,
    >,

    pub checkpoint_prev_exists: Option<unsafe extern "C" fn(call: Call, exists: *mut bool) -> Err>,
    pub checkpoint_restore:
        Option<unsafe extern "C" fn(call: Call, local_dir: *mut *const c_char) -> Err>,
    pub checkpoint_read:
        Option<unsafe extern "C" fn(call: Call, bytes: *mut *const c_char, len: *mut usize) -> Err>,
    pub checkpoint_write:
        Option<unsafe extern "C" fn(call: Call, bytes: *const c_char, len: usize) -> Err>,
    pub checkpoint_save_path:
        Option<unsafe extern "C" fn(call: Call, local_path: *const c_char) -> Err>,

    pub deck_append: Option<
        unsafe extern "C" fn(call: Call, deck_name: *const c_char, html: *const c_char) -> Err,
    >,

    pub stats_incr:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, value: i64) -> Err>,
    pub stats_gauge:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, value: f64) -> Err>,
    pub stats_timing_ms:
        Option<unsafe extern "C" fn(call: Call, name: *const c_char, ms: f64) -> Err>,

    pub log_message:
        Option<unsafe extern "C" fn(call: Call, level: i32, message: *const c_char) -> Err>,

    pub output_metadata_add: Option<
        unsafe extern "C" fn(
            call: Call,
            output_name: *const c_char,
            key: *const c_char,
            value: *const c_char,
        ) -> Err,
    >,

    // Since 1.1: check `struct_size` before calling.
    pub output_metadata_prefix:
        Option<unsafe extern "C" fn(call: Call, prefix: *mut *const c_char) -> Err>,
    pub enable_deck: Option<unsafe extern "C" fn(call: Call, enabled: *mut bool) -> Err>,
}
