//! # flyte-task: Flyte tasks in Rust
//!
//! Write a Rust function, wrap it in [`task!`], list it in [`library!`], and
//! build a `cdylib`; `flyte-execute --task libmy_tasks.so:greet` runs it as a
//! Flyte task (locally or in a Flyte pod, exactly like a C++ task library):
//!
//! ```
//! flyte_task::task! {
//!     /// Greets someone.
//!     fn greet(name: String) -> (greeting: String) {
//!         Ok(format!("Hello, {name}!"))
//!     }
//! }
//!
//! flyte_task::task! {
//!     /// Quotient and remainder; the context is the optional first parameter.
//!     #[secret(group = "demo", key = "token")]
//!     fn divide(ctx: &Context, a: i64, b: i64) -> (quotient: i64, remainder: i64) {
//!         if b == 0 {
//!             return Err(flyte_task::Error::user("USER:ZeroDivisionError", "b is 0"));
//!         }
//!         ctx.info(&format!("dividing {a} by {b}"))?;
//!         Ok((a / b, a % b))
//!     }
//! }
//!
//! flyte_task::library!(greet, divide); // once per library: the tasks `--list` shows
//! # fn main() {}
//! ```
//!
//! ## Types (Rust → Flyte)
//!
//! `i64` → integer, `f64` → float, `String` → string, `bool` → boolean,
//! [`SystemTime`] → datetime, [`Duration`]
//! → duration, [`File`] → file, [`Directory`] → directory, [`Value`] → dict (any
//! JSON object), `Vec<T>` → `list<T>`, `HashMap<String, T>` / `BTreeMap<String, T>`
//! → `map<T>`, `Option<T>` → `optional<T>`. Implement [`FlyteType`] to add more.
//!
//! ## Errors
//!
//! A task's body returns [`Result`]. [`Error::user`] carries your own code
//! (e.g. `"USER:QuotaExceeded"`), [`Error::recoverable`] is retried by Flyte
//! (`"USER:Recoverable"`), and `?` on any `std::error::Error` gives
//! `"USER:RuntimeError"` with `"<type>: <message>"`. Errors of host functions
//! come back as [`Error`] with the host's code. A panic is caught where the
//! host called the task and becomes the non-recoverable `"USER:Panic"` with
//! the panic's message: nothing ever unwinds into flyte-execute (do not build
//! the library with `panic = "abort"`, or a panic kills the task process,
//! which flyte-execute then reports as `USER:SIGABRT`).
//!
//! ## Safety rules of the ABI, and how this crate keeps them
//!
//! - Everything host-owned (strings, paths, bytes) is valid only until the
//!   task's `run` returns: the safe API copies it into owned Rust values
//!   (`String`, `PathBuf`, `Vec<u8>`) before returning it, so no borrowed host
//!   data outlives the call.
//! - A [`Context`] exists only while the task runs, is handed out only by
//!   reference, and is neither `Send` nor `Sync`: the compiler rejects using
//!   it from another thread (task.h: "all functions of one FLYTE_Call must be
//!   used from the thread that runs the task") or after the task returned.
//!   Threads the task starts may compute, but must hand results back to the
//!   task's thread to log, checkpoint or write them.
//! - Strings passed to the host must not contain NUL bytes; such a name or
//!   value is refused with `USER:ValueError` instead of being truncated.
//! - [`ffi`] is the raw ABI; using it directly is `unsafe` and bound by the
//!   comments of `flyte/task.h`.

use std::collections::{BTreeMap, HashMap};
use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub mod ffi;
pub mod json;
mod time;

pub use json::Value;
pub use time::{format_datetime, format_duration, parse_datetime, parse_duration};

use ffi::{FLYTE_Call, FLYTE_Error, FLYTE_HostApi};

// ===========================================================================
// Errors
// ===========================================================================

/// A task failure: a Flyte error code, a message, and whether Flyte may
/// retry (ContainerError.kind RECOVERABLE).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: String,
    message: String,
    recoverable: bool,
}

/// The result of a task body or a context call.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A non-recoverable error with your own code, e.g. `"USER:QuotaExceeded"`.
    pub fn user(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(code, message, false)
    }
    /// A retryable error with code `"USER:Recoverable"` (flytekit's
    /// FlyteRecoverableException).
    pub fn recoverable(message: impl Into<String>) -> Self {
        Self::new("USER:Recoverable", message, true)
    }
    pub fn new(code: impl Into<String>, message: impl Into<String>, recoverable: bool) -> Self {
        Error { code: code.into(), message: message.into(), recoverable }
    }
    pub fn code(&self) -> &str {
        &self.code
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn is_recoverable(&self) -> bool {
        self.recoverable
    }
    fn value(message: impl Into<String>) -> Self {
        Self::user("USER:ValueError", message)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// `?` on any standard error: `"USER:RuntimeError"`, message
/// `"<type>: <message>"` like the C++ SDK's exceptions. (This is why `Error`
/// itself does not implement `std::error::Error`.)
impl<E: std::error::Error> From<E> for Error {
    fn from(e: E) -> Self {
        let full = std::any::type_name::<E>();
        let base = full.split('<').next().unwrap_or(full);
        let short = base.rsplit("::").next().unwrap_or(base);
        Error::user("USER:RuntimeError", format!("{short}: {e}"))
    }
}

// ===========================================================================
// The context of one task invocation
// ===========================================================================

/// flytekit's ExecutionParameters for the running task: ids, dates,
/// directories, secrets, checkpoint, decks, stats, logging, output metadata.
///
/// Handed to the task body by reference; valid only while the task runs and
/// only on its thread (it is neither `Send` nor `Sync`). Everything it
/// returns is an owned copy.
pub struct Context {
    api: *const FLYTE_HostApi,
    call: *mut FLYTE_Call,
}

/// The deck flytekit's `default_deck` writes to.
pub const DEFAULT_DECK: &str = "default";

/// Log levels for [`Context::log`], numbered like Python's logging module.
pub mod level {
    pub const DEBUG: i32 = crate::ffi::FLYTE_LOG_DEBUG;
    pub const INFO: i32 = crate::ffi::FLYTE_LOG_INFO;
    pub const WARNING: i32 = crate::ffi::FLYTE_LOG_WARNING;
    pub const ERROR: i32 = crate::ffi::FLYTE_LOG_ERROR;
    pub const CRITICAL: i32 = crate::ffi::FLYTE_LOG_CRITICAL;
}

fn c_string(text: &str, what: &str) -> Result<CString> {
    CString::new(text).map_err(|_| Error::value(format!("{what} contains a NUL byte: {text:?}")))
}

#[cfg(unix)]
fn c_path(path: &Path) -> Result<CString> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| Error::value(format!("path contains a NUL byte: {}", path.display())))
}
#[cfg(not(unix))]
fn c_path(path: &Path) -> Result<CString> {
    let text = path
        .to_str()
        .ok_or_else(|| Error::value(format!("path is not UTF-8: {}", path.display())))?;
    c_string(text, "path")
}

#[cfg(unix)]
fn path_from(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}
#[cfg(not(unix))]
fn path_from(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// Calls a host function member, turning a NULL member (a host that is not
/// ABI 1.0 after all) into an error rather than a crash.
macro_rules! host {
    ($ctx:expr, $member:ident($($arg:expr),* $(,)?)) => {{
        let ctx: &Context = $ctx;
        match ctx.api().$member {
            // SAFETY: the host filled this member (ABI 1.1, checked in
            // __private::run) and `call` is live while the task runs.
            Some(f) => ctx.check(unsafe { f(ctx.call, $($arg),*) }),
            None => Err(Error::user(
                "USER:AbiMismatch",
                concat!("flyte-execute does not provide ", stringify!($member)),
            )),
        }
    }};
}

impl Context {
    fn api(&self) -> &FLYTE_HostApi {
        // SAFETY: a Context is made only by __private::run from the host's
        // non-NULL table, which outlives the Context.
        unsafe { &*self.api }
    }

    /// Takes ownership of a host error: copies it into an [`Error`] and
    /// releases it.
    fn check(&self, err: *mut FLYTE_Error) -> Result<()> {
        if err.is_null() {
            return Ok(());
        }
        let api = self.api();
        // SAFETY: err is a live error we own; its strings live until
        // error_delete, and we copy them before that.
        unsafe {
            let text = |f: Option<unsafe extern "C" fn(*const FLYTE_Error) -> *const c_char>| {
                f.map(|f| f(err))
                    .filter(|p| !p.is_null())
                    .map(|p| CStr::from_ptr(p).to_string_lossy().into_owned())
            };
            let code = text(api.error_code).unwrap_or_default();
            let message = text(api.error_message).unwrap_or_default();
            let recoverable =
                api.error_kind.map(|f| f(err) == ffi::FLYTE_ERROR_RECOVERABLE).unwrap_or(false);
            if let Some(delete) = api.error_delete {
                delete(err);
            }
            Err(Error::new(
                if code.is_empty() { "USER:RuntimeError".into() } else { code },
                message,
                recoverable,
            ))
        }
    }

    /// Copies a host-owned NUL-terminated string.
    fn owned(p: *const c_char) -> Option<String> {
        // SAFETY: the host hands out NUL-terminated strings valid until run returns.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }

    /// Copies host-owned bytes with an authoritative length.
    fn bytes(p: *const c_char, len: usize) -> Option<Vec<u8>> {
        // SAFETY: the host hands out `len` readable bytes at p (see task.h).
        (!p.is_null()).then(|| unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) }.to_vec())
    }

    fn text(p: *const c_char, len: usize, what: &str) -> Result<String> {
        String::from_utf8(Self::bytes(p, len).unwrap_or_default())
            .map_err(|_| Error::value(format!("{what} is not valid UTF-8")))
    }

    fn host_string(&self, r: impl FnOnce(&mut *const c_char) -> Result<()>) -> Result<String> {
        let mut p: *const c_char = std::ptr::null();
        r(&mut p)?;
        Ok(Self::owned(p).unwrap_or_default())
    }

    /// The workflow execution id, `"ex:project:domain:name"`.
    pub fn execution_id(&self) -> Result<String> {
        self.host_string(|p| host!(self, execution_id(p)))
    }
    /// The task id, `"TASK:project:domain:name:version"`.
    pub fn task_id(&self) -> Result<String> {
        self.host_string(|p| host!(self, task_id(p)))
    }
    /// When this execution started.
    pub fn execution_date(&self) -> Result<SystemTime> {
        let mut ns = 0i64;
        host!(self, execution_date(&mut ns))?;
        Ok(time::from_unix_ns(ns))
    }
    /// A fresh local directory the task may use freely.
    pub fn working_directory(&self) -> Result<PathBuf> {
        let mut p: *const c_char = std::ptr::null();
        host!(self, working_directory(&mut p))?;
        // SAFETY: as in owned(); paths are bytes on Unix, not necessarily UTF-8.
        Ok(path_from(if p.is_null() { &[] } else { unsafe { CStr::from_ptr(p) }.to_bytes() }))
    }
    /// Where offloaded raw data goes (`--raw-output-data-prefix`).
    pub fn raw_output_prefix(&self) -> Result<String> {
        self.host_string(|p| host!(self, raw_output_prefix(p)))
    }
    /// flytekit's `output_metadata_prefix`: where this run's outputs.pb,
    /// error.pb and deck.html go (`--output-prefix`).
    pub fn output_metadata_prefix(&self) -> Result<String> {
        self.host_string(|p| host!(self, output_metadata_prefix(p)))
    }
    /// flytekit's `enable_deck`: whether this run writes deck.html (the
    /// task was declared with `#[deck = true]`).
    pub fn enable_deck(&self) -> Result<bool> {
        let mut enabled = false;
        host!(self, enable_deck(&mut enabled))?;
        Ok(enabled)
    }
    /// Retry attempt number, 0 for the first.
    pub fn attempt(&self) -> Result<u32> {
        let mut n = 0u32;
        host!(self, attempt(&mut n))?;
        Ok(n)
    }

    /// A secret's value (surrounding white space stripped), as text. The
    /// host masks it in everything it logs; keep it out of outputs yourself.
    pub fn secret(&self, group: &str, key: &str) -> Result<String> {
        let bytes = self.secret_bytes(group, key, None)?;
        String::from_utf8(bytes)
            .map_err(|_| Error::value(format!("secret {group}/{key} is not valid UTF-8")))
    }
    /// A secret's value as bytes, for a given group version if `Some`.
    pub fn secret_bytes(
        &self,
        group: &str,
        key: &str,
        group_version: Option<&str>,
    ) -> Result<Vec<u8>> {
        let (g, k) = (c_string(group, "secret group")?, c_string(key, "secret key")?);
        let v = group_version.map(|v| c_string(v, "secret group version")).transpose()?;
        let (mut p, mut len): (*const c_char, usize) = (std::ptr::null(), 0);
        let vp = v.as_ref().map_or(std::ptr::null(), |v| v.as_ptr());
        host!(self, secret_get(g.as_ptr(), k.as_ptr(), vp, &mut p, &mut len))?;
        Ok(Self::bytes(p, len).unwrap_or_default())
    }

    /// flytekit's SyncCheckpoint for this attempt.
    pub fn checkpoint(&self) -> Checkpoint<'_> {
        Checkpoint { ctx: self }
    }

    /// Appends HTML to the named deck ([`DEFAULT_DECK`] is flytekit's
    /// default_deck). Shown only for a task declared with `#[deck = true]`.
    pub fn deck_append(&self, deck: &str, html: &str) -> Result<()> {
        let (d, h) = (c_string(deck, "deck name")?, c_string(html, "deck HTML")?);
        host!(self, deck_append(d.as_ptr(), h.as_ptr()))
    }

    /// flytekit's user_stats: a counter (dotted metric name).
    pub fn stats_incr(&self, name: &str, value: i64) -> Result<()> {
        let n = c_string(name, "metric name")?;
        host!(self, stats_incr(n.as_ptr(), value))
    }
    pub fn stats_gauge(&self, name: &str, value: f64) -> Result<()> {
        let n = c_string(name, "metric name")?;
        host!(self, stats_gauge(n.as_ptr(), value))
    }
    pub fn stats_timing(&self, name: &str, elapsed: Duration) -> Result<()> {
        let n = c_string(name, "metric name")?;
        host!(self, stats_timing_ms(n.as_ptr(), elapsed.as_secs_f64() * 1000.0))
    }

    /// Logs to flytekit's "user_space" logger; `level` as in [`level`].
    pub fn log(&self, level: i32, message: &str) -> Result<()> {
        let m = c_string(message, "log message")?;
        host!(self, log_message(level, m.as_ptr()))
    }
    pub fn debug(&self, message: &str) -> Result<()> {
        self.log(level::DEBUG, message)
    }
    pub fn info(&self, message: &str) -> Result<()> {
        self.log(level::INFO, message)
    }
    pub fn warning(&self, message: &str) -> Result<()> {
        self.log(level::WARNING, message)
    }
    pub fn error(&self, message: &str) -> Result<()> {
        self.log(level::ERROR, message)
    }

    /// Attaches a key/value pair to a declared output's literal metadata.
    pub fn add_output_metadata(&self, output: &str, key: &str, value: &str) -> Result<()> {
        let (o, k, v) = (
            c_string(output, "output name")?,
            c_string(key, "metadata key")?,
            c_string(value, "metadata value")?,
        );
        host!(self, output_metadata_add(o.as_ptr(), k.as_ptr(), v.as_ptr()))
    }

    // ---- inputs and outputs, for FlyteType implementations ----

    /// A declared input of any type as a JSON value (task.h's mapping).
    pub fn input_value(&self, name: &str) -> Result<Value> {
        let n = c_string(name, "input name")?;
        let (mut p, mut len): (*const c_char, usize) = (std::ptr::null(), 0);
        host!(self, input_json(n.as_ptr(), &mut p, &mut len))?;
        let text = Self::text(p, len, &format!("input '{name}'"))?;
        Value::parse(&text).map_err(|e| Error::value(format!("input '{name}': {e}")))
    }
    /// Writes a declared output of any type from a JSON value.
    pub fn output_value(&self, name: &str, value: &Value) -> Result<()> {
        let n = c_string(name, "output name")?;
        let text = value.to_string();
        host!(self, output_json(n.as_ptr(), text.as_ptr().cast(), text.len()))
    }
}

/// The checkpoint of the running attempt: what the previous attempt saved
/// (restore / read) and what this one leaves for the next (save / write).
/// Every call fails when the task was started without `--checkpoint-path`.
pub struct Checkpoint<'a> {
    ctx: &'a Context,
}

impl Checkpoint<'_> {
    /// Whether the previous attempt left a checkpoint.
    pub fn prev_exists(&self) -> Result<bool> {
        let mut exists = false;
        host!(self.ctx, checkpoint_prev_exists(&mut exists))?;
        Ok(exists)
    }
    /// Downloads the previous checkpoint (once) into a local directory;
    /// `None` when there is none.
    pub fn restore(&self) -> Result<Option<PathBuf>> {
        let mut p: *const c_char = std::ptr::null();
        host!(self.ctx, checkpoint_restore(&mut p))?;
        // SAFETY: as in Context::owned.
        Ok((!p.is_null()).then(|| path_from(unsafe { CStr::from_ptr(p) }.to_bytes())))
    }
    /// The bytes of the previous checkpoint's single file; `None` when there
    /// is no previous checkpoint.
    pub fn read(&self) -> Result<Option<Vec<u8>>> {
        let (mut p, mut len): (*const c_char, usize) = (std::ptr::null(), 0);
        host!(self.ctx, checkpoint_read(&mut p, &mut len))?;
        Ok(Context::bytes(p, len))
    }
    /// Saves bytes as this attempt's checkpoint (replacing an earlier write).
    pub fn write(&self, bytes: &[u8]) -> Result<()> {
        host!(self.ctx, checkpoint_write(bytes.as_ptr().cast(), bytes.len()))
    }
    /// Uploads a local file (under its own name) or a directory's contents.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        let p = c_path(path.as_ref())?;
        host!(self.ctx, checkpoint_save_path(p.as_ptr()))
    }
}

// ===========================================================================
// Types
// ===========================================================================

/// A Flyte type string (task.h's grammar, e.g. `"list<map<float>>"`), built
/// at compile time so that a task descriptor is a plain constant.
#[derive(Clone, Copy)]
pub struct TypeName {
    // NUL-terminated: the unused tail stays 0.
    buf: [u8; TypeName::CAPACITY + 1],
    len: usize,
}

impl TypeName {
    pub const CAPACITY: usize = 127;

    pub const fn new(name: &str) -> Self {
        Self::wrap(name, &Self { buf: [0; Self::CAPACITY + 1], len: 0 }, "")
    }
    /// `prefix` + `inner` + `suffix`, e.g. `wrap("list<", &T::TYPE, ">")`.
    pub const fn wrap(prefix: &str, inner: &TypeName, suffix: &str) -> Self {
        let mut out = Self { buf: [0; Self::CAPACITY + 1], len: 0 };
        out = out.push(prefix.as_bytes());
        out = out.push(inner.buf.split_at(inner.len).0);
        out.push(suffix.as_bytes())
    }
    const fn push(mut self, bytes: &[u8]) -> Self {
        let mut i = 0;
        while i < bytes.len() {
            assert!(self.len < Self::CAPACITY, "Flyte type name longer than 127 bytes");
            self.buf[self.len] = bytes[i];
            self.len += 1;
            i += 1;
        }
        self
    }
    pub const fn as_str(&self) -> &str {
        match std::str::from_utf8(self.buf.split_at(self.len).0) {
            Ok(s) => s,
            Err(_) => panic!("type names are built from &str"),
        }
    }
    pub const fn as_ptr(&self) -> *const c_char {
        self.buf.as_ptr().cast()
    }
}

impl std::fmt::Debug for TypeName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// A Rust type that is a Flyte type: its type string, its JSON form (how it
/// travels inside lists, maps and optionals), and how it is read as an input
/// and written as an output (JSON unless a typed host function fits better).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Flyte type",
    note = "task inputs and outputs are i64, f64, String, bool, SystemTime, Duration, \
            flyte_task::File, Directory or Value, Vec<T>, HashMap<String, T>, \
            BTreeMap<String, T>, Option<T>, or a type that implements FlyteType"
)]
pub trait FlyteType: Sized {
    const TYPE: TypeName;
    fn to_json(&self) -> Value;
    /// `at` names the value for errors, e.g. `"input 'xs'[3]"`.
    fn from_json(value: &Value, at: &str) -> Result<Self>;

    fn read(ctx: &Context, name: &str) -> Result<Self> {
        Self::from_json(&ctx.input_value(name)?, &format!("input '{name}'"))
    }
    fn write(&self, ctx: &Context, name: &str) -> Result<()> {
        ctx.output_value(name, &self.to_json())
    }
}

fn type_error(at: &str, expected: &str, got: &Value) -> Error {
    Error::user("USER:TypeError", format!("{at}: expected {expected}, got {}", got.kind()))
}

fn input_name(name: &str) -> Result<CString> {
    c_string(name, "input name")
}
fn output_name(name: &str) -> Result<CString> {
    c_string(name, "output name")
}

impl FlyteType for i64 {
    const TYPE: TypeName = TypeName::new("integer");
    fn to_json(&self) -> Value {
        Value::Int(*self)
    }
    fn from_json(v: &Value, at: &str) -> Result<Self> {
        v.as_i64().ok_or_else(|| type_error(at, "an integer", v))
    }
    fn read(ctx: &Context, name: &str) -> Result<Self> {
        let (n, mut v) = (input_name(name)?, 0);
        host!(ctx, input_int64(n.as_ptr(), &mut v))?;
        Ok(v)
    }
    fn write(&self, ctx: &Context, name: &str) -> Result<()> {
        let n = output_name(name)?;
        host!(ctx, output_int64(n.as_ptr(), *self))
    }
}

impl FlyteType for f64 {
    const TYPE: TypeName = TypeName::new("float");
    fn to_json(&self) -> Value {
        Value::Float(*self)
    }
    fn from_json(v: &Value, at: &str) -> Result<Self> {
        match v {
            Value::String(s) if s == "NaN" => Ok(f64::NAN),
            Value::String(s) if s == "Infinity" => Ok(f64::INFINITY),
            Value::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
            _ => v.as_f64().ok_or_else(|| type_error(at, "a number", v)),
        }
    }
    fn read(ctx: &Context, name: &str) -> Result<Self> {
        let (n, mut v) = (input_name(name)?, 0.0);
        host!(ctx, input_double(n.as_ptr(), &mut v))?;
        Ok(v)
    }
    fn write(&self, ctx: &Context, name: &str) -> Result<()> {
        let n = output_name(name)?;
        host!(ctx, output_double(n.as_ptr(), *self))
    }
}

impl FlyteType for bool {
    const TYPE: TypeName = TypeName::new("boolean");
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
    fn from_json(v: &Value, at: &str) -> Result<Self> {
        match v {
            Value::Bool(b) => Ok(*b),
            _ => Err(type_error(at, "a boolean", v)),
        }
    }
    fn read(ctx: &Context, name: &str) -> Result<Self> {
        let (n, mut v) = (input_name(name)?, false);
        host!(ctx, input_bool(n.as_ptr(), &mut v))?;
        Ok(v)
    }
    fn write(&self, ctx: &Context, name: &str) -> Result<()> {
        let n = output_name(name)?;
        host!(ctx, output_bool(n.as_ptr(), *self))
    }
}

impl FlyteType for String {
    const TYPE: TypeName = TypeName::new("string");
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
    fn from_json(v: &Value, at: &str) -> Result<Self> {
        v.as_str().map(str::to_owned).ok_or_else(|| type_error(at, "a string", v))
    }
    fn read(ctx: &Context, name: &str) -> Result<Self> {
        let n = input_name(name)?;
        let (mut p, mut len): (*const c_char, usize) = (std::ptr::null(), 0);
        host!(ctx, input_string(n.as_ptr(), &mut p, &mut len))?;
        Context::text(p, len, &format!("input '{name}'"))
    }
    fn write(&self, ctx: &Context, name: &str) -> Result<()> {
        let n = output_name(name)?;
        host!(ctx, output_string(n.as_ptr(), self.as_ptr().cast(), self.len()))
    }
}

fn datetime_ns(t: &SystemTime) -> Result<i64> {
    time::to_unix_ns(*t)
        .ok_or_else(|| Error::value(format!("{t:?} is outside what a Flyte datetime holds")))
}

impl FlyteType for SystemTime {
    const TYPE: TypeName = TypeName::new("datetime");
    fn to_json(&self) -> Value {
        // Out of range only beyond year 2262; saturate rather than fail in JSON.
        Value::String(format_datetime(time::to_unix_ns(*self).unwrap_or(i64::MAX)))
    }
    fn from_json(v: &Value, at: &str) -> Result<Self> {
        let text = v.as_str().ok_or_else(|| type_error(at, "an RFC 3339 string", v))?;
        parse_datetime(text)
            .map(time::from_unix_ns)
            .ok_or_else(|| Error::value(format!("{at}: '{text}' is not an RFC 3339 datetime")))
    }
    fn read(ctx: &Context, name: &str) -> Result<Self> {
        let (n, mut v) = (input_name(name)?, 0);
        host!(ctx, input_datetime(n.as_ptr(), &mut v))?;
        Ok(time::from_unix_ns(v))
    }
    fn write(&self, ctx: &Context, name: &str) -> Result<()> {
        let (n, ns) = (output_name(name)?, datetime_ns(self)?);
        host!(ctx, output_datetime(n.as_ptr(), ns))
    }
}

fn duration_from_ns(ns: i64, at: &str) -> Result<Duration> {
    u64::try_from(ns).map(Duration::from_nanos).map_err(|_| {
        Error::value(format!(
            "{at}: {} is negative, which std::time::Duration cannot hold",
            format_duration(ns)
        ))
    })
}
fn duration_ns(d: &Duration) -> Result<i64> {
    i64::try_from(d.as_nanos())
        .map_err(|_| Error::value(format!("{d:?} is longer than a Flyte duration holds")))
}

impl FlyteType for Duration {
    const TYPE: TypeName = TypeName::new("duration");
    fn to_json(&self) -> Value {
        Value::String(format_duration(duration_ns(self).unwrap_or(i64::MAX)))
    }
    fn from_json(v: &Value, at: &str) -> Result<Self> {
        let text =
            v.as_str().ok_or_else(|| type_error(at, "a duration string like \"1.5s\"", v))?;
        let ns = parse_duration(text).ok_or_else(|| {
            Error::value(format!("{at}: '{text}' is not a duration like \"1.5s\""))
        })?;
        duration_from_ns(ns, at)
    }
    fn read(ctx: &Context, name: &str) -> Result<Self> {
        let (n, mut v) = (input_name(name)?, 0);
        host!(ctx, input_duration(n.as_ptr(), &mut v))?;
        duration_from_ns(v, &format!("input '{name}'"))
    }
    fn write(&self, ctx: &Context, name: &str) -> Result<()> {
        let (n, ns) = (output_name(name)?, duration_ns(self)?);
        host!(ctx, output_duration(n.as_ptr(), ns))
    }
}

/// A Flyte file. As an input: downloaded into the working directory on
/// first access, `path` is local. As an output: a local file the host
/// uploads after the task returns. Inside lists and maps: the path or URI as
/// the host gives it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct File {
    pub path: PathBuf,
}

/// A Flyte directory; like [`File`], for a whole folder.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Directory {
    pub path: PathBuf,
}

macro_rules! path_type {
    ($t:ident, $flyte:literal) => {
        impl $t {
            pub fn new(path: impl Into<PathBuf>) -> Self {
                $t { path: path.into() }
            }
        }
        impl FlyteType for $t {
            const TYPE: TypeName = TypeName::new($flyte);
            fn to_json(&self) -> Value {
                Value::String(self.path.to_string_lossy().into_owned())
            }
            fn from_json(v: &Value, at: &str) -> Result<Self> {
                v.as_str().map($t::new).ok_or_else(|| type_error(at, "a path or URI string", v))
            }
            fn read(ctx: &Context, name: &str) -> Result<Self> {
                let n = input_name(name)?;
                let mut p: *const c_char = std::ptr::null();
                host!(ctx, input_path(n.as_ptr(), &mut p))?;
                // SAFETY: as in Context::owned.
                Ok($t::new(path_from(if p.is_null() {
                    &[]
                } else {
                    unsafe { CStr::from_ptr(p) }.to_bytes()
                })))
            }
            fn write(&self, ctx: &Context, name: &str) -> Result<()> {
                let (n, p) = (output_name(name)?, c_path(&self.path)?);
                host!(ctx, output_path(n.as_ptr(), p.as_ptr()))
            }
        }
    };
}
path_type!(File, "file");
path_type!(Directory, "directory");

/// An untyped dict: any JSON object.
impl FlyteType for Value {
    const TYPE: TypeName = TypeName::new("dict");
    fn to_json(&self) -> Value {
        self.clone()
    }
    fn from_json(v: &Value, at: &str) -> Result<Self> {
        match v {
            Value::Object(_) => Ok(v.clone()),
            _ => Err(type_error(at, "a JSON object", v)),
        }
    }
    fn write(&self, ctx: &Context, name: &str) -> Result<()> {
        if !matches!(self, Value::Object(_)) {
            return Err(type_error(&format!("output '{name}'"), "a JSON object (a dict)", self));
        }
        ctx.output_value(name, self)
    }
}

impl<T: FlyteType> FlyteType for Vec<T> {
    const TYPE: TypeName = TypeName::wrap("list<", &T::TYPE, ">");
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(T::to_json).collect())
    }
    fn from_json(v: &Value, at: &str) -> Result<Self> {
        match v {
            Value::Array(a) => {
                a.iter().enumerate().map(|(i, e)| T::from_json(e, &format!("{at}[{i}]"))).collect()
            }
            _ => Err(type_error(at, "a JSON array", v)),
        }
    }
}

fn map_from_json<T: FlyteType, M: FromIterator<(String, T)>>(v: &Value, at: &str) -> Result<M> {
    match v {
        Value::Object(m) => m
            .iter()
            .map(|(k, e)| Ok((k.clone(), T::from_json(e, &format!("{at}[{k:?}]"))?)))
            .collect(),
        _ => Err(type_error(at, "a JSON object", v)),
    }
}

impl<T: FlyteType, S: std::hash::BuildHasher + Default> FlyteType for HashMap<String, T, S> {
    const TYPE: TypeName = TypeName::wrap("map<", &T::TYPE, ">");
    fn to_json(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
    }
    fn from_json(v: &Value, at: &str) -> Result<Self> {
        map_from_json(v, at)
    }
}

impl<T: FlyteType> FlyteType for BTreeMap<String, T> {
    const TYPE: TypeName = TypeName::wrap("map<", &T::TYPE, ">");
    fn to_json(&self) -> Value {
        Value::Object(self.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
    }
    fn from_json(v: &Value, at: &str) -> Result<Self> {
        map_from_json(v, at)
    }
}

impl<T: FlyteType> FlyteType for Option<T> {
    const TYPE: TypeName = TypeName::wrap("optional<", &T::TYPE, ">");
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, T::to_json)
    }
    fn from_json(v: &Value, at: &str) -> Result<Self> {
        match v {
            Value::Null => Ok(None),
            _ => T::from_json(v, at).map(Some),
        }
    }
}

// ===========================================================================
// Macros and what they expand to
// ===========================================================================

mod macros;

#[doc(hidden)]
pub mod __private;
