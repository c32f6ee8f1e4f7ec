//! Example task library in Rust, one task per feature of the SDK; the
//! integration tests (tests/rust/) run each through flyte-execute.
//!
//!     flyte-execute --task build/lib/libexample_rust_tasks.so:add --input a=1 --input b=2

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use flyte_task::{library, task, Directory, Error, File, Value};

task! {
    /// Adds two integers.
    fn add(a: i64, b: i64) -> (c: i64) {
        Ok(a + b)
    }
}

task! {
    /// Quotient and remainder; b == 0 is a user error with its own code.
    fn divide(a: i64, b: i64) -> (quotient: i64, remainder: i64) {
        if b == 0 {
            return Err(Error::user("USER:ZeroDivisionError", format!("cannot divide {a} by zero")));
        }
        Ok((a / b, a % b))
    }
}

task! {
    /// Fails with a retryable error.
    fn flaky(reason: String) {
        Err(Error::recoverable(format!("try again: {reason}")))
    }
}

task! {
    /// Panics; the SDK reports USER:Panic instead of unwinding into the host.
    fn explode(message: String) -> (never: i64) {
        panic!("explode: {message}")
    }
}

task! {
    /// `?` on a standard error becomes USER:RuntimeError.
    fn parse_int(text: String) -> i64 {
        Ok(text.trim().parse::<i64>()?)
    }
}

task! {
    /// Every scalar and composite type the SDK maps, echoed back (strings
    /// upper-cased, numbers doubled, so that the test sees the task ran).
    fn every_type(
        i: i64,
        f: f64,
        s: String,
        b: bool,
        when: SystemTime,
        wait: Duration,
        xs: Vec<i64>,
        m: HashMap<String, f64>,
        maybe: Option<String>,
        nested: Vec<HashMap<String, Vec<Option<i64>>>>,
        d: Value,
    ) -> (
        i: i64,
        f: f64,
        s: String,
        b: bool,
        when: SystemTime,
        wait: Duration,
        xs: Vec<i64>,
        m: HashMap<String, f64>,
        maybe: Option<String>,
        nested: Vec<HashMap<String, Vec<Option<i64>>>>,
        d: Value,
    ) {
        let when = when + Duration::from_secs(3600);
        let m = m.into_iter().map(|(k, v)| (k, v * 2.0)).collect();
        let mut d = d;
        if let Value::Object(map) = &mut d {
            map.insert("seen_by".into(), Value::String("rust".into()));
        }
        Ok((i * 2, f * 2.0, s.to_uppercase(), !b, when, wait * 2,
            xs.iter().map(|x| x * 2).collect(), m, maybe.map(|s| s + "!"), nested, d))
    }
}

task! {
    /// Counts the lines of a file and copies it into a new directory output.
    fn file_lines(ctx: &Context, doc: File) -> (lines: i64, copy: Directory) {
        let text = std::fs::read_to_string(&doc.path)?;
        let out = ctx.working_directory()?.join("copy");
        std::fs::create_dir_all(&out)?;
        std::fs::write(out.join("doc.txt"), &text)?;
        Ok((text.lines().count() as i64, Directory::new(out)))
    }
}

task! {
    /// Sums the sizes of the files directly inside a directory input and
    /// writes a report file output.
    fn dir_size(ctx: &Context, dir: Directory) -> (bytes: i64, report: File) {
        let mut total = 0;
        for entry in std::fs::read_dir(&dir.path)? {
            let meta = entry?.metadata()?;
            if meta.is_file() {
                total += meta.len() as i64;
            }
        }
        let report = ctx.working_directory()?.join("report.txt");
        std::fs::write(&report, format!("{total} bytes\n"))?;
        Ok((total, File::new(report)))
    }
}

task! {
    /// Runs `iterations` steps, saving progress in the checkpoint after each:
    /// a retried attempt runs only the steps the previous one did not finish.
    fn checkpoint_counter(ctx: &Context, iterations: i64) -> (ran: i64) {
        let cp = ctx.checkpoint();
        let mut done: i64 = match cp.read()? {
            Some(bytes) => String::from_utf8(bytes)?.parse()?,
            None => 0,
        };
        let mut ran = 0;
        while done < iterations {
            done += 1;
            ran += 1;
            cp.write(done.to_string().as_bytes())?;
        }
        ctx.info(&format!("checkpoint_counter ran {ran} steps"))?;
        Ok(ran)
    }
}

task! {
    /// Saves a directory as the checkpoint and restores the previous one.
    fn checkpoint_dir(ctx: &Context, note: String) -> (previous: Option<String>) {
        let cp = ctx.checkpoint();
        let previous = match cp.restore()? {
            Some(dir) => Some(std::fs::read_to_string(dir.join("note.txt"))?),
            None => None,
        };
        assert_eq!(cp.prev_exists()?, previous.is_some());
        let dir = ctx.working_directory()?.join("state");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("note.txt"), &note)?;
        cp.save(&dir)?;
        Ok(previous)
    }
}

task! {
    /// Reads a secret and returns only its length.
    #[secret(group = "demo", key = "token")]
    fn secret_length(ctx: &Context) -> (length: i64) {
        Ok(ctx.secret("demo", "token")?.len() as i64)
    }
}

task! {
    /// The execution's ids, date and attempt.
    fn whoami(ctx: &Context) -> (execution_id: String, task_id: String, date: SystemTime, attempt: i64, raw: String) {
        Ok((ctx.execution_id()?, ctx.task_id()?, ctx.execution_date()?, i64::from(ctx.attempt()?),
            ctx.raw_output_prefix()?))
    }
}

task! {
    /// A deck, stats and output metadata.
    #[deck = true]
    fn report(ctx: &Context, title: String, n: i64) -> (n: i64) {
        ctx.deck_append(flyte_task::DEFAULT_DECK, &format!("<h1>{title}</h1>"))?;
        ctx.deck_append("summary", "<p>made by report</p>")?;
        ctx.stats_incr("items", n)?;
        ctx.stats_gauge("ratio", 0.5)?;
        ctx.stats_timing("step", Duration::from_millis(250))?;
        ctx.add_output_metadata("n", "source", "report")?;
        let deck = if ctx.enable_deck()? { "on" } else { "off" };
        ctx.add_output_metadata("n", "deck", deck)?;
        ctx.warning(&format!("report done, results go to {}", ctx.output_metadata_prefix()?))?;
        Ok(n)
    }
}

// ---- Twins of examples/cpp tasks: same names, same interfaces, so that the
// tests (and the interop suites) can run one input through both libraries and
// demand identical outputs.pb. ----

task! {
    fn greet(name: String) -> (greeting: String) {
        Ok(format!("Hello, {name}!"))
    }
}

task! {
    fn mean(xs: Vec<f64>) -> (mean: f64) {
        if xs.is_empty() {
            return Err(Error::user("USER:ValueError", "mean of an empty list"));
        }
        Ok(xs.iter().sum::<f64>() / xs.len() as f64)
    }
}

task! {
    fn word_count(text: String) -> (counts: BTreeMap<String, i64>) {
        let mut counts = BTreeMap::new();
        for word in text.split_whitespace() {
            *counts.entry(word.to_owned()).or_insert(0) += 1;
        }
        Ok(counts)
    }
}

task! {
    fn echo_dict(d: Value) -> (d: Value) {
        Ok(d)
    }
}

task! {
    fn concat(parts: Vec<String>, separator: String) -> (joined: String) {
        Ok(parts.join(&separator))
    }
}

task! {
    fn maybe_double(x: Option<i64>) -> (y: Option<i64>) {
        Ok(x.map(|x| x * 2))
    }
}

task! {
    fn shift(when: SystemTime, by: Duration) -> (shifted: SystemTime) {
        Ok(when + by)
    }
}

task! {
    fn is_positive(x: f64) -> (positive: bool) {
        Ok(x > 0.0)
    }
}

task! {
    fn count_lines(f: File) -> (lines: i64) {
        Ok(std::fs::read_to_string(&f.path)?.lines().count() as i64)
    }
}

library!(
    add,
    divide,
    flaky,
    explode,
    parse_int,
    every_type,
    file_lines,
    dir_size,
    checkpoint_counter,
    checkpoint_dir,
    secret_length,
    whoami,
    report,
    greet,
    mean,
    word_count,
    echo_dict,
    concat,
    maybe_double,
    shift,
    is_positive,
    count_lines
);
