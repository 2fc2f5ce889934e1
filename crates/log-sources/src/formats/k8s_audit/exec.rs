//! The command of a `pods/exec` request, recovered from its request URI (telemetry-formats
//! §4, "Exec / attach specifics").
//!
//! `/api/v1/namespaces/<ns>/pods/<pod>/exec?command=<a0>&command=<a1>…&container=<c>&stdin=true…`
//! carries one `command` parameter per argv element, in order, encoded as an HTML form
//! (`+` for a space, `%2F` for `/`). The exec runs that argv directly in the container (no
//! shell), so the decoded list is the new process's argv.
//!
//! Azure's `AKSAudit` has no column for it: a Sentinel rule extracts it from `RequestUri`
//! itself (`parse_url(RequestUri)["Query Parameters"]` keeps only one `command`, so rules use
//! `extract_all(@"command=([^&]*)", RequestUri)`), and kqlhunt keeps `RequestUri` raw for
//! that. The decoded argv goes into the `DeviceProcessEvents` row kqlhunt derives from the
//! exec, where it is the process command line.

use percent_encoding::percent_decode_str;

/// Decodes one `application/x-www-form-urlencoded` value: `+` is a space, `%XX` a byte;
/// invalid UTF-8 is replaced.
pub fn form_decode(s: &str) -> String {
    let spaced = s.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

/// The decoded query parameters of a URI, in order (repeated names kept).
pub fn query_params(uri: &str) -> Vec<(String, String)> {
    let Some((_, query)) = uri.split_once('?') else {
        return Vec::new();
    };
    let query = query.split('#').next().unwrap_or_default();
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (form_decode(k), form_decode(v)),
            None => (form_decode(p), String::new()),
        })
        .collect()
}

/// What an exec request asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecCommand {
    /// The argv (`command` values in order).
    pub argv: Vec<String>,
    /// The `container` parameter, if given.
    pub container: Option<String>,
}

/// The exec command of a request URI; `None` when it has no `command` parameter.
pub fn exec_command(uri: &str) -> Option<ExecCommand> {
    let params = query_params(uri);
    let argv: Vec<String> = params
        .iter()
        .filter(|(k, _)| k == "command")
        .map(|(_, v)| v.clone())
        .collect();
    if argv.is_empty() {
        return None;
    }
    let container = params
        .into_iter()
        .find(|(k, _)| k == "container")
        .map(|(_, v)| v);
    Some(ExecCommand { argv, container })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("%2Fbin%2Fsh"), "/bin/sh");
        assert_eq!(form_decode("echo+a+b"), "echo a b");
        assert_eq!(form_decode("1%2B1"), "1+1");
        assert_eq!(form_decode("100%"), "100%");
        assert_eq!(form_decode("caf%C3%A9"), "café");
    }

    #[test]
    fn exec_commands_from_real_uris() {
        // Real (TryHackMe AoC 2024 minikube audit.log, after JSON decoding of \u0026).
        let uri = "/api/v1/namespaces/wareville/pods/morality-checker/exec?command=%2Fbin%2Fsh&container=kubectl-container&stdin=true&stdout=true&tty=true";
        assert_eq!(
            exec_command(uri),
            Some(ExecCommand {
                argv: vec!["/bin/sh".into()],
                container: Some("kubectl-container".into())
            })
        );
        // Real WebSocket-era fixture (telemetry-formats §4).
        let uri = "/api/v1/namespaces/default/pods/high-risk-pod/exec?command=%2Fbin%2Fsh&command=-c&command=echo+interactive-exec-marker&container=high-risk-container&stdin=true&stdout=true&tty=true";
        assert_eq!(
            exec_command(uri).map(|c| c.argv),
            Some(vec![
                "/bin/sh".to_string(),
                "-c".to_string(),
                "echo interactive-exec-marker".to_string()
            ])
        );
        assert_eq!(
            exec_command("/api/v1/namespaces/d/pods/p/attach?container=c&stdin=true"),
            None
        );
        assert_eq!(exec_command("/api/v1/namespaces/d/pods/p/exec"), None);
    }
}
