//! Turning TOML text into typed values, and serde's complaints into diagnostics that say
//! what to do: an unknown key names the key you probably meant, a missing key says which.

use serde::de::DeserializeOwned;

use crate::diagnostics::{closest, did_you_mean, Diagnostic};
use crate::model::SourceFile;

/// Deserialises the TOML in `file.text[start..end]` as a `T`. `what` names the source in
/// messages ("the front matter", "document.toml").
pub fn from_toml<T: DeserializeOwned>(
    file: &SourceFile,
    start: usize,
    end: usize,
    what: &str,
) -> Result<T, Diagnostic> {
    let text = &file.text[start..end];
    toml::from_str::<T>(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_owned();
        to_diagnostic(file, start, span, &message, what)
    })
}

fn to_diagnostic(
    file: &SourceFile,
    start: usize,
    span: std::ops::Range<usize>,
    message: &str,
    what: &str,
) -> Diagnostic {
    let range = (start + span.start)..(start + span.end);
    let at =
        |code, msg: String| Diagnostic::error_at(code, &file.path, &file.text, range.clone(), msg);

    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (key, expected) = split_ticked(rest);
        let help = suggest(key, expected, "the keys allowed here are");
        return at("unknown-key", format!("unknown key `{key}` in {what}")).with_help(help);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let (key, _) = split_ticked(rest);
        // serde reports a missing key at the table that lacks it; point at its start.
        return Diagnostic::error_at(
            "missing-key",
            &file.path,
            &file.text,
            (start + span.start)..(start + span.start),
            format!("{what} has no `{key}`, which is required"),
        )
        .with_help(format!(
            "add a line `{key} = ...`; the README lists its values"
        ));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (value, expected) = split_ticked(rest);
        let help = suggest(value, expected, "allowed values");
        return at(
            "invalid-value",
            format!("`{value}` is not an allowed value here"),
        )
        .with_help(help);
    }
    let first_line = message.lines().next().unwrap_or(message);
    at("invalid-toml", format!("{what} is not valid: {first_line}"))
        .with_help("check the TOML syntax: `key = \"text\"`, dates as 2024-10-11")
}

/// "did you mean `title`? {lead}: id, kind, title." from serde's list of what it expected.
fn suggest(wanted: &str, expected: &str, lead: &str) -> String {
    let allowed = ticked_list(expected);
    let list = format!("{lead}: {}.", allowed.join(", "));
    match did_you_mean(&closest(wanted, allowed.iter().copied())) {
        Some(guess) => format!("{guess} {}{}", lead[..1].to_uppercase(), &list[1..]),
        None => format!("{}{}", lead[..1].to_uppercase(), &list[1..]),
    }
}

/// Splits "key`, expected ..." into ("key", ", expected ...").
fn split_ticked(s: &str) -> (&str, &str) {
    match s.find('`') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

/// The `ticked` words of serde's "expected one of `a`, `b`" list.
fn ticked_list(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}
