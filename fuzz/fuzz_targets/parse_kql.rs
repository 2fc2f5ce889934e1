//! Any text: the parser must not panic or overflow, diagnostics must point inside the text,
//! and whatever parses must print as text that parses back to the same tree.

#![no_main]

use kql_syntax::{ClearSpans, parse_expression, parse_query};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let len = src.len() as u32;
    match parse_query(src) {
        Ok(q) => {
            let printed = q.to_string();
            let again = parse_query(&printed)
                .unwrap_or_else(|d| panic!("printed text does not parse: {printed:?}: {d:?}"));
            assert_eq!(again.without_spans(), q.without_spans(), "{src:?} -> {printed:?}");
        }
        Err(diags) => {
            for d in &diags {
                if let Some(s) = d.span {
                    assert!(s.end <= len, "{d:?} outside the text");
                }
            }
        }
    }
    if let Ok(e) = parse_expression(src) {
        let printed = e.to_string();
        let again = parse_expression(&printed)
            .unwrap_or_else(|d| panic!("printed expression does not parse: {printed:?}: {d:?}"));
        assert_eq!(again.without_spans(), e.without_spans(), "{src:?} -> {printed:?}");
    }
});
