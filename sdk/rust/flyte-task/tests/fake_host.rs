//! task! and library! against a fake host written here: the descriptors they
//! export (names, type strings, descriptions, secrets, flags) and what `run`
//! does with inputs, outputs, errors and panics, without flyte-execute.
//! (tests/rust/ runs the same SDK through the real host.)

use std::collections::{BTreeMap, HashMap};
use std::ffi::{CStr, CString};
use std::os::raw::c_char;

use flyte_task::ffi::*;
use flyte_task::{Error, Value};

// ---- the tasks under test ----

flyte_task::task! {
    /// Adds two integers.
    fn add(a: i64, b: i64) -> (c: i64) {
        Ok(a + b)
    }
}

flyte_task::task! {
    /// Several outputs,
    /// and a doc comment of two lines.
    ///
    /// A second paragraph.
    fn split(text: String, parts: Vec<Option<i64>>) -> (words: Vec<String>, total: HashMap<String, i64>) {
        let total = parts.iter().flatten().sum();
        Ok((text.split(' ').map(str::to_owned).collect(), HashMap::from([("sum".to_owned(), total)])))
    }
}

flyte_task::task! {
    #[secret(group = "db", key = "password", env_var = "DB_PASSWORD", mount = "env_var")]
    #[secret(group = "api", key = "token", group_version = "v2")]
    #[deck = true]
    fn with_context(ctx: &Context, message: String) {
        ctx.info(&message)?;
        let secret = ctx.secret("db", "password")?;
        ctx.checkpoint().write(secret.as_bytes())
    }
}

flyte_task::task! {
    fn fail_user(code: String) {
        Err(Error::user(code, "it failed"))
    }
}

flyte_task::task! {
    fn fail_recoverable() {
        Err(Error::recoverable("later"))
    }
}

flyte_task::task! {
    fn fail_parse(text: String) -> f64 {
        Ok(text.parse::<f64>()?)
    }
}

flyte_task::task! {
    fn panics(n: i64) -> i64 {
        if n > 0 {
            panic!("n is {n}");
        }
        Ok(n)
    }
}

flyte_task::task! {
    fn logs_a_nul(ctx: &Context) {
        ctx.info("a\0b")
    }
}

flyte_task::task! {
    fn dict_echo(d: Value, m: BTreeMap<String, Vec<f64>>) -> (d: Value, m: BTreeMap<String, Vec<f64>>) {
        Ok((d, m))
    }
}

flyte_task::task! {
    fn needs_output_string() -> String {
        Ok("x".into())
    }
}

mod stats {
    // Input, output and task share a name; the task lives in a module.
    flyte_task::task! {
        fn mean(mean: Vec<f64>) -> (mean: f64) {
            Ok(mean.iter().sum::<f64>() / mean.len() as f64)
        }
    }
}

flyte_task::library!(
    stats::mean,
    add,
    split,
    with_context,
    fail_user,
    fail_recoverable,
    fail_parse,
    panics,
    logs_a_nul,
    dict_echo
);

// What library! exported, called by symbol as the host does.
extern "C" {
    fn FLYTE_TaskLibraryApiVersion(major: *mut u32, minor: *mut u32);
    fn FLYTE_TaskLibraryTasks(count: *mut usize) -> *const *const FLYTE_TaskDescriptor;
}

// ---- the fake host ----

struct FakeError {
    code: CString,
    message: CString,
    kind: FLYTE_ErrorKind,
}

#[derive(Default)]
struct FakeCall {
    inputs: HashMap<String, String>, // JSON text per input
    outputs: BTreeMap<String, String>,
    logs: Vec<(i32, String)>,
    checkpoint: Option<Vec<u8>>,
    secrets: HashMap<(String, String), String>,
    keep: Vec<CString>, // host-owned strings handed to the task
}

fn call<'a>(c: *mut FLYTE_Call) -> &'a mut FakeCall {
    unsafe { &mut *(c as *mut FakeCall) }
}
fn text(p: *const c_char) -> String {
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_owned()
}
fn err(code: &str, message: &str) -> *mut FLYTE_Error {
    unsafe {
        error_new(CString::new(code).unwrap().as_ptr(), CString::new(message).unwrap().as_ptr(), 0)
    }
}

unsafe extern "C" fn error_new(
    code: *const c_char,
    message: *const c_char,
    kind: FLYTE_ErrorKind,
) -> *mut FLYTE_Error {
    let e = FakeError {
        code: CString::new(text(code)).unwrap(),
        message: CString::new(text(message)).unwrap(),
        kind,
    };
    Box::into_raw(Box::new(e)) as *mut FLYTE_Error
}
unsafe extern "C" fn error_code(e: *const FLYTE_Error) -> *const c_char {
    unsafe { (*(e as *const FakeError)).code.as_ptr() }
}
unsafe extern "C" fn error_message(e: *const FLYTE_Error) -> *const c_char {
    unsafe { (*(e as *const FakeError)).message.as_ptr() }
}
unsafe extern "C" fn error_kind(e: *const FLYTE_Error) -> FLYTE_ErrorKind {
    unsafe { (*(e as *const FakeError)).kind }
}
unsafe extern "C" fn error_delete(e: *mut FLYTE_Error) {
    if !e.is_null() {
        drop(unsafe { Box::from_raw(e as *mut FakeError) });
    }
}

fn input(c: *mut FLYTE_Call, name: *const c_char) -> Result<String, *mut FLYTE_Error> {
    call(c)
        .inputs
        .get(&text(name))
        .cloned()
        .ok_or_else(|| err("USER:ValueError", &format!("no input {}", text(name))))
}
unsafe extern "C" fn input_int64(
    c: *mut FLYTE_Call,
    name: *const c_char,
    v: *mut i64,
) -> *mut FLYTE_Error {
    match input(c, name) {
        Ok(t) => match t.parse() {
            Ok(x) => {
                unsafe { *v = x };
                std::ptr::null_mut()
            }
            Err(_) => err("USER:TypeError", "not an integer"),
        },
        Err(e) => e,
    }
}
unsafe extern "C" fn input_string(
    c: *mut FLYTE_Call,
    name: *const c_char,
    data: *mut *const c_char,
    len: *mut usize,
) -> *mut FLYTE_Error {
    match input(c, name) {
        Ok(t) => {
            let s = match Value::parse(&t) {
                Ok(Value::String(s)) => s,
                _ => return err("USER:TypeError", "not a string"),
            };
            let keep = CString::new(s).unwrap();
            unsafe {
                *data = keep.as_ptr();
                *len = keep.as_bytes().len();
            }
            call(c).keep.push(keep);
            std::ptr::null_mut()
        }
        Err(e) => e,
    }
}
unsafe extern "C" fn input_json(
    c: *mut FLYTE_Call,
    name: *const c_char,
    json: *mut *const c_char,
    len: *mut usize,
) -> *mut FLYTE_Error {
    match input(c, name) {
        Ok(t) => {
            let keep = CString::new(t).unwrap();
            unsafe {
                *json = keep.as_ptr();
                *len = keep.as_bytes().len();
            }
            call(c).keep.push(keep);
            std::ptr::null_mut()
        }
        Err(e) => e,
    }
}
unsafe extern "C" fn output_int64(
    c: *mut FLYTE_Call,
    name: *const c_char,
    v: i64,
) -> *mut FLYTE_Error {
    call(c).outputs.insert(text(name), v.to_string());
    std::ptr::null_mut()
}
unsafe extern "C" fn output_double(
    c: *mut FLYTE_Call,
    name: *const c_char,
    v: f64,
) -> *mut FLYTE_Error {
    call(c).outputs.insert(text(name), format!("{v:?}"));
    std::ptr::null_mut()
}
unsafe extern "C" fn output_json(
    c: *mut FLYTE_Call,
    name: *const c_char,
    json: *const c_char,
    len: usize,
) -> *mut FLYTE_Error {
    let bytes = unsafe { std::slice::from_raw_parts(json.cast::<u8>(), len) };
    call(c).outputs.insert(text(name), String::from_utf8(bytes.to_vec()).unwrap());
    std::ptr::null_mut()
}
unsafe extern "C" fn log_message(
    c: *mut FLYTE_Call,
    level: i32,
    message: *const c_char,
) -> *mut FLYTE_Error {
    call(c).logs.push((level, text(message)));
    std::ptr::null_mut()
}
unsafe extern "C" fn secret_get(
    c: *mut FLYTE_Call,
    group: *const c_char,
    key: *const c_char,
    _version: *const c_char,
    value: *mut *const c_char,
    len: *mut usize,
) -> *mut FLYTE_Error {
    let Some(v) = call(c).secrets.get(&(text(group), text(key))).cloned() else {
        return err("USER:SecretNotFound", "no such secret");
    };
    let keep = CString::new(v).unwrap();
    unsafe {
        *value = keep.as_ptr();
        *len = keep.as_bytes().len();
    }
    call(c).keep.push(keep);
    std::ptr::null_mut()
}
unsafe extern "C" fn checkpoint_write(
    c: *mut FLYTE_Call,
    bytes: *const c_char,
    len: usize,
) -> *mut FLYTE_Error {
    call(c).checkpoint =
        Some(unsafe { std::slice::from_raw_parts(bytes.cast::<u8>(), len) }.to_vec());
    std::ptr::null_mut()
}

fn host() -> FLYTE_HostApi {
    // Members a test does not need stay NULL: the SDK must report them, not crash.
    let mut api: FLYTE_HostApi = unsafe { std::mem::zeroed() };
    api.struct_size = std::mem::size_of::<FLYTE_HostApi>();
    api.api_version_major = 1;
    api.error_new = Some(error_new);
    api.error_code = Some(error_code);
    api.error_message = Some(error_message);
    api.error_kind = Some(error_kind);
    api.error_delete = Some(error_delete);
    api.input_int64 = Some(input_int64);
    api.input_string = Some(input_string);
    api.input_json = Some(input_json);
    api.output_int64 = Some(output_int64);
    api.output_double = Some(output_double);
    api.output_json = Some(output_json);
    api.log_message = Some(log_message);
    api.secret_get = Some(secret_get);
    api.checkpoint_write = Some(checkpoint_write);
    api
}

/// What one run left: outputs, or the error's (code, message, kind).
struct Outcome {
    call: FakeCall,
    error: Option<(String, String, FLYTE_ErrorKind)>,
}

fn run_with(api: &FLYTE_HostApi, task: &FLYTE_TaskDescriptor, mut fake: FakeCall) -> Outcome {
    let e = unsafe { (task.run.unwrap())(api, &mut fake as *mut FakeCall as *mut FLYTE_Call) };
    let error = (!e.is_null()).then(|| unsafe {
        let out = (text(error_code(e)), text(error_message(e)), error_kind(e));
        error_delete(e);
        out
    });
    Outcome { call: fake, error }
}

fn run(task: &FLYTE_TaskDescriptor, inputs: &[(&str, &str)]) -> Outcome {
    let fake = FakeCall {
        inputs: inputs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        ..Default::default()
    };
    run_with(&host(), task, fake)
}

fn vars(p: *const FLYTE_Variable, n: usize) -> Vec<(String, String)> {
    (0..n).map(|i| unsafe { (text((*p.add(i)).name), text((*p.add(i)).r#type)) }).collect()
}

// ---- the tests ----

#[test]
fn library_lists_every_task_with_its_interface() {
    let (mut major, mut minor) = (0, 0);
    unsafe { FLYTE_TaskLibraryApiVersion(&mut major, &mut minor) };
    assert_eq!((major, minor), (FLYTE_TASK_API_VERSION_MAJOR, FLYTE_TASK_API_VERSION_MINOR));
    let mut count = 0;
    let tasks = unsafe { FLYTE_TaskLibraryTasks(&mut count) };
    let names: Vec<String> = (0..count).map(|i| text(unsafe { (**tasks.add(i)).name })).collect();
    assert_eq!(
        names,
        [
            "mean",
            "add",
            "split",
            "with_context",
            "fail_user",
            "fail_recoverable",
            "fail_parse",
            "panics",
            "logs_a_nul",
            "dict_echo"
        ]
    );

    let d = &split::DESCRIPTOR.0;
    assert_eq!(d.struct_size as usize, std::mem::size_of::<FLYTE_TaskDescriptor>());
    assert_eq!(
        vars(d.inputs, d.input_count),
        [("text".into(), "string".into()), ("parts".into(), "list<optional<integer>>".into())]
    );
    assert_eq!(
        vars(d.outputs, d.output_count),
        [("words".into(), "list<string>".into()), ("total".into(), "map<integer>".into())]
    );
    assert_eq!(
        text(d.description),
        "Several outputs, and a doc comment of two lines.\nA second paragraph."
    );
    assert_eq!((d.secret_count, d.flags), (0, 0));
    assert!(
        !add::DESCRIPTOR.0.description.is_null() && fail_user::DESCRIPTOR.0.description.is_null()
    );
    assert_eq!(vars(panics::DESCRIPTOR.0.outputs, 1), [("o0".into(), "integer".into())]);
    assert_eq!(dict_echo::DESCRIPTOR.0.input_count, 2);
    assert_eq!(vars(dict_echo::DESCRIPTOR.0.inputs, 2)[0].1, "dict");
}

#[test]
fn secrets_and_decks_are_declared_in_the_descriptor() {
    let d = &with_context::DESCRIPTOR.0;
    assert_eq!(d.flags, FLYTE_TASK_ENABLE_DECK);
    assert_eq!(d.secret_count, 2);
    let s = unsafe { std::slice::from_raw_parts(d.secrets, 2) };
    assert_eq!(
        (text(s[0].group), text(s[0].key), text(s[0].env_var)),
        ("db".into(), "password".into(), "DB_PASSWORD".into())
    );
    assert_eq!(s[0].mount_requirement, FLYTE_SECRET_MOUNT_ENV_VAR);
    assert!(s[0].group_version.is_null());
    assert_eq!(
        (text(s[1].group_version), s[1].mount_requirement),
        ("v2".into(), FLYTE_SECRET_MOUNT_ANY)
    );
    assert!(s[1].env_var.is_null());
}

#[test]
fn inputs_are_read_and_outputs_written_through_the_host() {
    let out = run(&add::DESCRIPTOR.0, &[("a", "40"), ("b", "2")]);
    assert!(out.error.is_none());
    assert_eq!(out.call.outputs["c"], "42");

    let out = run(&split::DESCRIPTOR.0, &[("text", "\"a b\""), ("parts", "[1,null,2]")]);
    assert!(out.error.is_none(), "{:?}", out.error);
    assert_eq!(out.call.outputs["words"], r#"["a","b"]"#);
    assert_eq!(out.call.outputs["total"], r#"{"sum":3}"#);

    let out =
        run(&dict_echo::DESCRIPTOR.0, &[("d", r#"{"k":[1,"x"]}"#), ("m", r#"{"a":[1,"NaN"]}"#)]);
    assert!(out.error.is_none(), "{:?}", out.error);
    assert_eq!(out.call.outputs["d"], r#"{"k":[1,"x"]}"#);
    assert_eq!(out.call.outputs["m"], r#"{"a":[1.0,"NaN"]}"#);
}

#[test]
fn a_value_of_the_wrong_shape_is_a_type_error_naming_where() {
    let out = run(&split::DESCRIPTOR.0, &[("text", "\"a\""), ("parts", "[1,\"x\"]")]);
    let (code, message, _) = out.error.unwrap();
    assert_eq!(code, "USER:TypeError");
    assert_eq!(message, "input 'parts'[1]: expected an integer, got a string");
    let out = run(&dict_echo::DESCRIPTOR.0, &[("d", "[1]"), ("m", "{}")]);
    assert_eq!(out.error.unwrap().1, "input 'd': expected a JSON object, got an array");
}

#[test]
fn the_context_logs_reads_secrets_and_checkpoints() {
    let mut fake = FakeCall::default();
    fake.inputs.insert("message".into(), "\"hello\"".into());
    fake.secrets.insert(("db".into(), "password".into()), "pw".into());
    let out = run_with(&host(), &with_context::DESCRIPTOR.0, fake);
    assert!(out.error.is_none(), "{:?}", out.error);
    assert_eq!(out.call.logs, [(FLYTE_LOG_INFO, "hello".to_owned())]);
    assert_eq!(out.call.checkpoint.as_deref(), Some(&b"pw"[..]));
}

#[test]
fn host_errors_come_back_with_the_hosts_code() {
    let out = run(&with_context::DESCRIPTOR.0, &[("message", "\"x\"")]);
    assert_eq!(out.error.unwrap().0, "USER:SecretNotFound");
    let out = run(&add::DESCRIPTOR.0, &[("a", "1")]);
    assert_eq!(out.error.unwrap(), ("USER:ValueError".into(), "no input b".into(), 0));
}

#[test]
fn errors_keep_their_code_and_kind() {
    let out = run(&fail_user::DESCRIPTOR.0, &[("code", "\"USER:Quota\"")]);
    assert_eq!(
        out.error.unwrap(),
        ("USER:Quota".into(), "it failed".into(), FLYTE_ERROR_NON_RECOVERABLE)
    );
    let out = run(&fail_recoverable::DESCRIPTOR.0, &[]);
    assert_eq!(
        out.error.unwrap(),
        ("USER:Recoverable".into(), "later".into(), FLYTE_ERROR_RECOVERABLE)
    );
    let out = run(&fail_parse::DESCRIPTOR.0, &[("text", "\"x\"")]);
    assert_eq!(out.error.unwrap().1, "ParseFloatError: invalid float literal");
    assert!(out.call.outputs.is_empty());
}

#[test]
fn a_panic_becomes_a_user_error_and_does_not_unwind() {
    let out = run(&panics::DESCRIPTOR.0, &[("n", "3")]);
    assert_eq!(
        out.error.unwrap(),
        ("USER:Panic".into(), "n is 3".into(), FLYTE_ERROR_NON_RECOVERABLE)
    );
    assert!(out.call.outputs.is_empty());
    // The library still works after a caught panic.
    assert_eq!(run(&panics::DESCRIPTOR.0, &[("n", "0")]).call.outputs["o0"], "0");
}

#[test]
fn a_nul_byte_is_refused_not_truncated() {
    let (code, message, _) = run(&logs_a_nul::DESCRIPTOR.0, &[]).error.unwrap();
    assert_eq!(code, "USER:ValueError");
    assert!(message.contains("log message contains a NUL byte"), "{message}");
}

#[test]
fn a_missing_host_function_is_an_error_not_a_crash() {
    // host() leaves output_string NULL.
    let (code, message, _) = run(&needs_output_string::DESCRIPTOR.0, &[]).error.unwrap();
    assert_eq!(code, "USER:AbiMismatch");
    assert_eq!(message, "flyte-execute does not provide output_string");
}

#[test]
fn an_older_host_table_is_refused_before_the_task_runs() {
    let mut api = host();
    api.struct_size -= std::mem::size_of::<usize>();
    let out = run_with(&api, &add::DESCRIPTOR.0, FakeCall::default());
    let (code, message, _) = out.error.unwrap();
    assert_eq!(code, "USER:AbiMismatch");
    assert!(message.contains("built against flyte/task.h 1.1"), "{message}");
}

#[test]
fn a_task_in_a_module_may_share_its_name_with_its_inputs_and_outputs() {
    let out = run(&stats::mean::DESCRIPTOR.0, &[("mean", "[1, 2, 6]")]);
    assert!(out.error.is_none(), "{:?}", out.error);
    assert_eq!(out.call.outputs["mean"], "3.0");
}
