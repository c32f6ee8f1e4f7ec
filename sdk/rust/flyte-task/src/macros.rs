//! `task!` and `library!`: macro_rules only, so the crate needs no syn/quote
//! (a proc-macro crate would pull both in and double the build time of a
//! task library for a nicer attribute syntax).

/// Turns a Rust function into an exported Flyte task.
///
/// ```text
/// flyte_task::task! {
///     /// Description (doc comments, optional).
///     #[secret(group = "demo", key = "token")]        // zero or more
///     #[deck = true]                                  // optional
///     fn NAME(ctx: &Context, a: A, b: B) -> (out1: X, out2: Y) { BODY }
/// }
/// ```
///
/// - The attributes come in this order: doc comments, `#[secret(...)]`
///   (keys `group`, `key`, `group_version`, `env_var`, `mount` = `"any"` |
///   `"env_var"` | `"file"`), `#[deck = true]` (writes deck.html).
/// - `ctx: &Context` is an optional first parameter ([`Context`](crate::Context)
///   need not be imported); every other parameter is an input named like it,
///   of a type implementing [`FlyteType`](crate::FlyteType).
/// - Outputs: `-> (name: T, ...)` names them (several: the body returns a
///   tuple); `-> T` is one output named `o0` (flytekit's default); no arrow
///   or `-> ()` means none. The body returns `flyte_task::Result<...>`.
/// - The function stays an ordinary Rust function of that name (call it in
///   unit tests); beside it a module of the same name holds the exported
///   descriptor `NAME::DESCRIPTOR`, whose symbol is `NAME` (`--task
///   lib.so:NAME`). Use `task!` at module level (not inside a function body),
///   and give every task of a library a distinct name: the symbols share one
///   namespace.
#[macro_export]
macro_rules! task {
    (
        $(#[doc = $doc:literal])*
        $(#[secret($($skey:ident = $sval:literal),+ $(,)?)])*
        $(#[deck = $deck:literal])?
        fn $name:ident ( $($params:tt)* ) $($rest:tt)*
    ) => {
        $crate::task!(@params
            [$(#[doc = $doc])*] [$($doc)*] [$([$($skey = $sval),+])*] [$($deck)?] $name
            ( $($params)* ) $($rest)*);
    };

    // ---- parameters: with or without the context ----
    (@params $docs:tt $doctext:tt $secrets:tt $deck:tt $name:ident
        ( $ctx:ident : &Context $(, $arg:ident : $aty:ty)* $(,)? ) $($rest:tt)*) => {
        $crate::task!(@ret $docs $doctext $secrets $deck $name [$ctx] [$(($arg : $aty))*] $($rest)*);
    };
    (@params $docs:tt $doctext:tt $secrets:tt $deck:tt $name:ident
        ( $($arg:ident : $aty:ty),* $(,)? ) $($rest:tt)*) => {
        $crate::task!(@ret $docs $doctext $secrets $deck $name [] [$(($arg : $aty))*] $($rest)*);
    };

    // ---- outputs: named, a single unnamed one (o0), or none ----
    (@ret $docs:tt $doctext:tt $secrets:tt $deck:tt $name:ident $ctx:tt $args:tt
        -> ( $($out:ident : $oty:ty),* $(,)? ) $body:block) => {
        $crate::task!(@emit $docs $doctext $secrets $deck $name $ctx $args [$(($out : $oty))*] $body);
    };
    (@ret $docs:tt $doctext:tt $secrets:tt $deck:tt $name:ident $ctx:tt $args:tt
        -> $ret:ty $body:block) => {
        $crate::task!(@emit $docs $doctext $secrets $deck $name $ctx $args [(o0 : $ret)] $body);
    };
    (@ret $docs:tt $doctext:tt $secrets:tt $deck:tt $name:ident $ctx:tt $args:tt $body:block) => {
        $crate::task!(@emit $docs $doctext $secrets $deck $name $ctx $args [] $body);
    };

    (@emit [$($docattr:tt)*] [$($doc:literal)*] [$([$($skey:ident = $sval:literal),+])*] [$($deck:literal)?]
        $name:ident [$($ctx:ident)?] [$(($arg:ident : $aty:ty))*] [$(($out:ident : $oty:ty))*] $body:block) => {
        $($docattr)*
        // A task has as many inputs and outputs as its interface needs.
        #[allow(unused_parens, clippy::too_many_arguments, clippy::type_complexity)]
        fn $name($($ctx: &$crate::Context,)? $($arg: $aty),*) -> $crate::Result<($($oty),*)> $body

        #[doc(hidden)]
        #[allow(non_upper_case_globals, unused_imports, unused_parens)]
        pub mod $name {
            use super::*;

            const INPUT_NAMES: [&str; $crate::__private::count(&[$(stringify!($arg)),*])] = [$(concat!(stringify!($arg), "\0")),*];
            static INPUT_TYPES: [$crate::TypeName; INPUT_NAMES.len()] = [$(<$aty as $crate::FlyteType>::TYPE),*];
            static INPUTS: $crate::__private::Shared<[$crate::ffi::FLYTE_Variable; INPUT_NAMES.len()]> =
                $crate::__private::Shared($crate::__private::variables(&INPUT_NAMES, &INPUT_TYPES));

            const OUTPUT_NAMES: [&str; $crate::__private::count(&[$(stringify!($out)),*])] = [$(concat!(stringify!($out), "\0")),*];
            static OUTPUT_TYPES: [$crate::TypeName; OUTPUT_NAMES.len()] = [$(<$oty as $crate::FlyteType>::TYPE),*];
            static OUTPUTS: $crate::__private::Shared<[$crate::ffi::FLYTE_Variable; OUTPUT_NAMES.len()]> =
                $crate::__private::Shared($crate::__private::variables(&OUTPUT_NAMES, &OUTPUT_TYPES));

            const SECRETS: &[$crate::ffi::FLYTE_SecretRequest] =
                &[$($crate::__private::secret(&[$((stringify!($skey), concat!($sval, "\0"))),+])),*];

            const DOC: &str = concat!($($doc, "\n",)*);
            static DESCRIPTION: [u8; DOC.len() + 1] = $crate::__private::description::<{ DOC.len() + 1 }>(DOC);

            /// The exported task descriptor. Its symbol is the task's name;
            /// its Rust name is fixed, so that inputs and outputs may be named
            /// like the task (a `let` cannot shadow a static).
            #[export_name = stringify!($name)]
            pub static DESCRIPTOR: $crate::__private::Shared<$crate::ffi::FLYTE_TaskDescriptor> =
                $crate::__private::Shared($crate::ffi::FLYTE_TaskDescriptor {
                    struct_size: ::core::mem::size_of::<$crate::ffi::FLYTE_TaskDescriptor>() as u32,
                    api_version_major: $crate::ffi::FLYTE_TASK_API_VERSION_MAJOR,
                    api_version_minor: $crate::ffi::FLYTE_TASK_API_VERSION_MINOR,
                    name: concat!(stringify!($name), "\0").as_ptr().cast(),
                    description: $crate::__private::description_ptr(&DESCRIPTION),
                    inputs: INPUTS.0.as_ptr(),
                    input_count: INPUT_NAMES.len(),
                    outputs: OUTPUTS.0.as_ptr(),
                    output_count: OUTPUT_NAMES.len(),
                    secrets: SECRETS.as_ptr(),
                    secret_count: SECRETS.len(),
                    flags: 0 $(| if $deck { $crate::ffi::FLYTE_TASK_ENABLE_DECK } else { 0 })?,
                    run: Some(__flyte_run),
                    retries: 0,
                    timeout_ns: 0,
                    cache_version: ::core::ptr::null(),
                    requests: ::core::ptr::null(),
                    request_count: 0,
                    limits: ::core::ptr::null(),
                    limit_count: 0,
                    env: ::core::ptr::null(),
                    env_count: 0,
                });

            unsafe extern "C" fn __flyte_run(
                api: *const $crate::ffi::FLYTE_HostApi,
                call: *mut $crate::ffi::FLYTE_Call,
            ) -> *mut $crate::ffi::FLYTE_Error {
                let body = |__flyte_ctx: &$crate::Context| -> $crate::Result<()> {
                    $(let $arg = <$aty as $crate::FlyteType>::read(__flyte_ctx, stringify!($arg))?;)*
                    let ($($out),*) = super::$name($({ let _ = stringify!($ctx); __flyte_ctx },)? $($arg),*)?;
                    $($crate::FlyteType::write(&$out, __flyte_ctx, stringify!($out))?;)*
                    Ok(())
                };
                // SAFETY: api and call are what the host passed to run.
                unsafe { $crate::__private::run(api, call, body) }
            }
        }
    };
}

/// Exports the library's entry points: `FLYTE_TaskLibraryApiVersion` and
/// `FLYTE_TaskLibraryTasks` (what `flyte-execute --list` shows). Use once per
/// library, naming every task defined with [`task!`], by name or path
/// (`library!(add, tasks::greet)`). A task left out still runs by its
/// symbol, but `--list` does not show it.
#[macro_export]
macro_rules! library {
    ($($($task:ident)::+),* $(,)?) => {
        const _: () = {
            static TASKS: $crate::__private::Shared<[*const $crate::ffi::FLYTE_TaskDescriptor; $crate::__private::count(&[$(stringify!($($task)::+)),*])]> =
                $crate::__private::Shared([$(&$($task)::+::DESCRIPTOR.0 as *const $crate::ffi::FLYTE_TaskDescriptor),*]);

            #[no_mangle]
            pub unsafe extern "C" fn FLYTE_TaskLibraryApiVersion(major: *mut u32, minor: *mut u32) {
                // SAFETY: the host passes two writable u32.
                unsafe { $crate::__private::api_version(major, minor) }
            }

            #[no_mangle]
            pub unsafe extern "C" fn FLYTE_TaskLibraryTasks(
                count: *mut usize,
            ) -> *const *const $crate::ffi::FLYTE_TaskDescriptor {
                if !count.is_null() {
                    // SAFETY: the host passes a writable size_t.
                    unsafe { *count = TASKS.0.len() };
                }
                TASKS.0.as_ptr()
            }
        };
    };
}
