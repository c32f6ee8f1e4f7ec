use std::collections::BTreeMap;

flyte_task::task! {
    /// Greets someone.
    fn greet(name: String) -> (greeting: String) {
        Ok(format!("Hello, {name}!"))
    }
}

flyte_task::task! {
    /// Counts the words of some lines.
    fn count_words(lines: Vec<String>) -> (counts: BTreeMap<String, i64>) {
        let mut counts = BTreeMap::new();
        for word in lines.iter().flat_map(|line| line.split_whitespace()) {
            *counts.entry(word.to_owned()).or_insert(0) += 1;
        }
        Ok(counts)
    }
}

flyte_task::library!(greet, count_words); // once per library: what --list shows
