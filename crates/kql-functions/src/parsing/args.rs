//! Splitting one line into values: `parse_command_line` (Windows rules) and `parse_csv`.

/// `parse_command_line(text, "windows")`: the arguments as `CommandLineToArgvW` splits
/// them, which DOCS `parse-command-line-function.md` names as the rule:
/// * arguments are separated by spaces and tabs;
/// * the first (the program) ends at the first blank, or, when it starts with `"`, at the
///   next `"` (no escapes are read in it);
/// * elsewhere `"` toggles quoting (blanks inside quotes do not separate), `""` inside
///   quotes is a literal `"`, `2n` backslashes before a `"` are `n` backslashes (the `"`
///   then quotes), `2n + 1` are `n` backslashes and a literal `"`, and backslashes before
///   anything else are literal.
///
/// Blank text gives no arguments.
pub fn parse_command_line(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.trim_start_matches([' ', '\t']).chars().collect();
    let mut args = Vec::new();
    if chars.is_empty() {
        return args;
    }
    let is_blank = |c: &char| *c == ' ' || *c == '\t';
    // The program name.
    let mut i = 0;
    let mut program = String::new();
    if chars.first() == Some(&'"') {
        i = 1;
        while let Some(&c) = chars.get(i) {
            i += 1;
            if c == '"' {
                break;
            }
            program.push(c);
        }
    }
    while let Some(c) = chars.get(i).filter(|c| !is_blank(c)) {
        program.push(*c);
        i += 1;
    }
    args.push(program);
    // The other arguments.
    loop {
        while chars.get(i).is_some_and(is_blank) {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let mut arg = String::new();
        let mut quoted = false;
        while let Some(&c) = chars.get(i) {
            if is_blank(&c) && !quoted {
                break;
            }
            match c {
                '\\' => {
                    let run = chars
                        .get(i..)
                        .map_or(0, |s| s.iter().take_while(|&&c| c == '\\').count());
                    i += run;
                    if chars.get(i) == Some(&'"') {
                        arg.extend(std::iter::repeat_n('\\', run / 2));
                        if run % 2 == 1 {
                            arg.push('"');
                            i += 1;
                        }
                    } else {
                        arg.extend(std::iter::repeat_n('\\', run));
                    }
                    continue;
                }
                '"' if quoted && chars.get(i + 1) == Some(&'"') => {
                    arg.push('"');
                    i += 2;
                    continue;
                }
                '"' => quoted = !quoted,
                other => arg.push(other),
            }
            i += 1;
        }
        args.push(arg);
    }
    args
}

/// `parse_csv(text)`: the values of the first record (DOCS `parse-csv-function.md`): values
/// are separated by commas, a value in double quotes may hold commas, line breaks and `""`
/// (a quote), and the record ends at the first line break outside quotes.
pub fn parse_csv(text: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut value = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                value.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if value.is_empty() => quoted = true,
            ',' if !quoted => values.push(std::mem::take(&mut value)),
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            '\n' if !quoted => break,
            other => value.push(other),
        }
    }
    values.push(value);
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_documented() {
        // DOCS parse-command-line-function.md.
        assert_eq!(
            parse_command_line("echo \"hello world!\""),
            ["echo", "hello world!"]
        );
        // The backslash and quote rules CommandLineToArgvW documents.
        assert_eq!(
            parse_command_line(r#""C:\Program Files\app.exe" -a "b c" d"#),
            [r"C:\Program Files\app.exe", "-a", "b c", "d"]
        );
        assert_eq!(parse_command_line(r#"x a\\\"b c"#), ["x", r#"a\"b"#, "c"]);
        assert_eq!(parse_command_line(r#"x a\\"b c""#), ["x", r"a\b c"]);
        assert_eq!(parse_command_line(r"x a\\b"), ["x", r"a\\b"]);
        assert_eq!(parse_command_line(r#"x "a""b" """#), ["x", r#"a"b"#, ""]);
        assert_eq!(
            parse_command_line("powershell.exe\t-enc  SQBFAFgA"),
            ["powershell.exe", "-enc", "SQBFAFgA"]
        );
        assert!(parse_command_line("   ").is_empty());
    }

    #[test]
    fn csv_records_documented() {
        // DOCS parse-csv-function.md, both examples.
        assert_eq!(
            parse_csv("aa,\"b,b,b\",cc,\"Escaping quotes: \"\"Title\"\"\",\"line1\nline2\""),
            [
                "aa",
                "b,b,b",
                "cc",
                "Escaping quotes: \"Title\"",
                "line1\nline2"
            ]
        );
        assert_eq!(
            parse_csv("record1,a,b,c\nrecord2,x,y,z"),
            ["record1", "a", "b", "c"]
        );
        assert_eq!(parse_csv(""), [""]);
        assert_eq!(parse_csv("a,,b\r\nc"), ["a", "", "b"]);
    }
}
