//! src/ffi.rs against the real flyte/task.h: the C compiler reports the size
//! of every struct, the offset of every field and the value of every
//! constant the header declares, Rust reports the same from ffi.rs, and the
//! two lists must be equal. The C program is generated from the header each
//! run, so a member added to task.h (ABI 1.1) and missing here fails the
//! test by name. Rerun after changing either side:
//!
//!     cargo test --test abi_layout          (CC picks the C compiler, default cc;
//!                                            FLYTE_TASK_H the header)

use std::collections::BTreeSet;
use std::mem::{offset_of, size_of};
use std::path::PathBuf;
use std::process::Command;

use flyte_task::ffi::*;

const STRUCTS: [&str; 6] = [
    "FLYTE_Variable",
    "FLYTE_SecretRequest",
    "FLYTE_Resource",
    "FLYTE_EnvVar",
    "FLYTE_TaskDescriptor",
    "FLYTE_HostApi",
];

fn header() -> PathBuf {
    std::env::var_os("FLYTE_TASK_H").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../lib/include/flyte/task.h")
    })
}

fn strip_comments(src: &str) -> String {
    let mut out = String::new();
    let mut rest = src;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        rest = &rest[i + rest[i..].find("*/").expect("unterminated comment") + 2..];
    }
    out.push_str(rest);
    out.lines().map(|l| l.split("//").next().unwrap()).collect::<Vec<_>>().join("\n")
}

/// The member names of `struct NAME { ... }` in declaration order.
fn fields(src: &str, name: &str) -> Vec<String> {
    let start = src
        .find(&format!("struct {name} {{"))
        .unwrap_or_else(|| panic!("task.h has no struct {name}"));
    let body = &src[start + src[start..].find('{').unwrap() + 1..];
    let body = &body[..body.find('}').unwrap()];
    body.split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| match d.find("(*") {
            Some(i) => d[i + 2..i + 2 + d[i + 2..].find(')').unwrap()].trim().to_owned(),
            None => {
                d.rsplit(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap().to_owned()
            }
        })
        .collect()
}

/// Integer constants: `#define FLYTE_X 12` / `0x1u`, and enumerators.
fn constants(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in src.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() == 3 && words[0] == "#define" && words[1].starts_with("FLYTE_") {
            let v = words[2].trim_end_matches('u');
            if v.parse::<i64>().is_ok() || v.starts_with("0x") {
                out.push(words[1].to_owned());
            }
        }
        let t = line.trim().trim_end_matches(',');
        if t.starts_with("FLYTE_ERROR_") && t.contains('=') {
            out.push(t.split('=').next().unwrap().trim().to_owned());
        }
    }
    out
}

fn c_layout() -> BTreeSet<String> {
    let path = header();
    let src = strip_comments(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    );
    let mut prog = String::from(
        "#include <stdio.h>\n#include <stddef.h>\n#include <flyte/task.h>\nint main(void) {\n",
    );
    for s in STRUCTS {
        prog += &format!("  printf(\"size {s} %zu\\n\", sizeof({s}));\n");
        for f in fields(&src, s) {
            prog += &format!("  printf(\"offset {s}.{f} %zu\\n\", offsetof({s}, {f}));\n");
        }
    }
    prog += "  printf(\"size FLYTE_ErrorKind %zu\\n\", sizeof(FLYTE_ErrorKind));\n";
    for c in constants(&src) {
        prog += &format!("  printf(\"const {c} %lld\\n\", (long long)({c}));\n");
    }
    prog += "  return 0;\n}\n";

    let dir = std::env::temp_dir().join(format!("flyte-abi-layout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (c_file, exe) = (dir.join("layout.c"), dir.join("layout"));
    std::fs::write(&c_file, prog).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let include = path.parent().unwrap().parent().unwrap();
    let status = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Werror", "-I"])
        .arg(include)
        .arg(&c_file)
        .arg("-o")
        .arg(&exe)
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler '{cc}' (set CC): {e}"));
    assert!(status.success(), "{cc} failed on the generated {}", c_file.display());
    let out = Command::new(&exe).output().unwrap();
    assert!(out.status.success());
    std::fs::remove_dir_all(&dir).ok();
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect()
}

macro_rules! layout {
    ($out:ident, $s:ident { $($f:ident),* $(,)? }) => {
        $out.insert(format!("size {} {}", stringify!($s), size_of::<$s>()));
        $($out.insert(format!("offset {}.{} {}", stringify!($s),
            stringify!($f).trim_start_matches("r#"), offset_of!($s, $f)));)*
    };
}

macro_rules! consts {
    ($out:ident, $($c:ident),* $(,)?) => {
        $($out.insert(format!("const {} {}", stringify!($c), $c as i64));)*
    };
}

fn rust_layout() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    layout!(out, FLYTE_Variable { name, r#type, description });
    layout!(out, FLYTE_SecretRequest { group, key, group_version, mount_requirement, env_var });
    layout!(out, FLYTE_Resource { name, value });
    layout!(out, FLYTE_EnvVar { name, value });
    layout!(
        out,
        FLYTE_TaskDescriptor {
            struct_size,
            api_version_major,
            api_version_minor,
            name,
            description,
            inputs,
            input_count,
            outputs,
            output_count,
            secrets,
            secret_count,
            flags,
            run,
            retries,
            timeout_ns,
            cache_version,
            requests,
            request_count,
            limits,
            limit_count,
            env,
            env_count,
        }
    );
    layout!(
        out,
        FLYTE_HostApi {
            struct_size,
            api_version_major,
            api_version_minor,
            error_new,
            error_code,
            error_message,
            error_kind,
            error_delete,
            working_directory,
            execution_id,
            task_id,
            execution_date,
            raw_output_prefix,
            attempt,
            input_int64,
            input_double,
            input_bool,
            input_string,
            input_datetime,
            input_duration,
            input_json,
            input_path,
            output_int64,
            output_double,
            output_bool,
            output_string,
            output_datetime,
            output_duration,
            output_json,
            output_path,
            secret_get,
            checkpoint_prev_exists,
            checkpoint_restore,
            checkpoint_read,
            checkpoint_write,
            checkpoint_save_path,
            deck_append,
            stats_incr,
            stats_gauge,
            stats_timing_ms,
            log_message,
            output_metadata_add,
            output_metadata_prefix,
            enable_deck,
        }
    );
    out.insert(format!("size FLYTE_ErrorKind {}", size_of::<FLYTE_ErrorKind>()));
    consts!(
        out,
        FLYTE_TASK_API_VERSION_MAJOR,
        FLYTE_TASK_API_VERSION_MINOR,
        FLYTE_ERROR_NON_RECOVERABLE,
        FLYTE_ERROR_RECOVERABLE,
        FLYTE_LOG_DEBUG,
        FLYTE_LOG_INFO,
        FLYTE_LOG_WARNING,
        FLYTE_LOG_ERROR,
        FLYTE_LOG_CRITICAL,
        FLYTE_SECRET_MOUNT_ANY,
        FLYTE_SECRET_MOUNT_ENV_VAR,
        FLYTE_SECRET_MOUNT_FILE,
        FLYTE_TASK_ENABLE_DECK,
        FLYTE_TASK_INTERRUPTIBLE,
        FLYTE_TASK_CACHE,
    );
    out
}

#[test]
fn ffi_matches_the_c_header() {
    let c = c_layout();
    let rust = rust_layout();
    assert!(
        c.iter().any(|l| l.starts_with("offset FLYTE_HostApi.output_metadata_add")),
        "the header parse found nothing: {c:?}"
    );
    let only_c: Vec<_> = c.difference(&rust).collect();
    let only_rust: Vec<_> = rust.difference(&c).collect();
    assert!(
        only_c.is_empty() && only_rust.is_empty(),
        "src/ffi.rs does not match {}:\n  C says:    {only_c:?}\n  Rust says: {only_rust:?}",
        header().display()
    );
    println!("{} sizes, offsets and constants agree", c.len());
}
