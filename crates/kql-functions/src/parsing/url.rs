//! `parse_url` and `parse_urlquery`: a URL's parts as a property bag.
//!
//! The bag has the keys of DOCS `parse-url-function.md`, in its order: `Scheme`, `Host`,
//! `Port`, `Path`, `Username`, `Password`, `Query Parameters` (a bag of the decoded
//! parameters) and `Fragment`; every part is text as written, `""` when absent. The path
//! keeps its leading `/`: the page prints `this/is/a/path` for
//! `scheme://…@host:1234/this/is/a/path?…`, but detection queries split `Path` on `/` and
//! the path of a URL is `/this/is/a/path` (RFC 3986); this is the one place the page's
//! example is not followed. Text without a `scheme://` prefix is not an absolute URL and
//! gives a bag of empty parts (only its query, if it starts with `?`, is read).
//!
//! A parameter given more than once keeps all its values, joined by commas, as .NET's
//! query-string reader does; parameters without `=` have an empty value.

use crate::encoding::url::form_decode;
use serde_json::{Map, Value as Json};

/// The decoded parameters of a query string (without its `?`).
pub fn query_parameters(query: &str) -> Map<String, Json> {
    let mut params: Map<String, Json> = Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let (k, v) = (form_decode(k), form_decode(v));
        match params.get_mut(&k) {
            Some(Json::String(existing)) => {
                existing.push(',');
                existing.push_str(&v);
            }
            _ => {
                params.insert(k, Json::String(v));
            }
        }
    }
    params
}

/// `scheme` and the rest of `scheme://rest`, if the text starts with a valid scheme.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some((scheme, rest))
}

/// The URL's parts.
#[derive(Debug, Default, PartialEq, Eq)]
struct Parts<'a> {
    scheme: &'a str,
    host: &'a str,
    port: &'a str,
    path: &'a str,
    user: &'a str,
    password: &'a str,
    query: &'a str,
    fragment: &'a str,
}

fn split_url(text: &str) -> Parts<'_> {
    let text = text.trim();
    let Some((scheme, rest)) = split_scheme(text) else {
        return Parts {
            query: text.strip_prefix('?').unwrap_or(""),
            ..Parts::default()
        };
    };
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match rest.find('/') {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("")),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => (
            authority.get(..i).unwrap_or(""),
            authority.get(i + 1..).unwrap_or(""),
        ),
        None => ("", authority),
    };
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = split_port(hostport);
    Parts {
        scheme,
        host,
        port,
        path,
        user,
        password,
        query,
        fragment,
    }
}

/// `host:port`, where the port is digits; an IPv6 host keeps its brackets.
fn split_port(hostport: &str) -> (&str, &str) {
    let host_end = if hostport.starts_with('[') {
        hostport.find(']').map_or(hostport.len(), |i| i + 1)
    } else {
        hostport.rfind(':').unwrap_or(hostport.len())
    };
    let (host, after) = hostport.split_at(host_end.min(hostport.len()));
    match after.strip_prefix(':') {
        Some(port) if port.bytes().all(|b| b.is_ascii_digit()) => (host, port),
        _ if after.is_empty() => (host, ""),
        _ => (hostport, ""),
    }
}

/// `parse_url(text)`.
pub fn parse_url(text: &str) -> Json {
    let p = split_url(text);
    let mut bag = Map::new();
    let mut put = |k: &str, v: &str| {
        bag.insert(k.to_string(), Json::String(v.to_string()));
    };
    put("Scheme", p.scheme);
    put("Host", p.host);
    put("Port", p.port);
    put("Path", p.path);
    put("Username", p.user);
    put("Password", p.password);
    bag.insert(
        "Query Parameters".into(),
        Json::Object(query_parameters(p.query)),
    );
    bag.insert("Fragment".into(), Json::String(p.fragment.to_string()));
    Json::Object(bag)
}

/// `parse_urlquery(text)`: `{"Query Parameters": {...}}`; a leading `?` is skipped.
pub fn parse_urlquery(text: &str) -> Json {
    let query = text.trim();
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut bag = Map::new();
    bag.insert(
        "Query Parameters".into(),
        Json::Object(query_parameters(query)),
    );
    Json::Object(bag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parse_url_documented() {
        // DOCS parse-url-function.md (the path with its leading slash, see the module).
        assert_eq!(
            parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment"),
            json!({"Scheme":"scheme","Host":"host","Port":"1234","Path":"/this/is/a/path",
                   "Username":"username","Password":"password",
                   "Query Parameters":{"k1":"v1","k2":"v2"},"Fragment":"fragment"})
        );
        assert_eq!(
            parse_url("https://bing.com"),
            json!({"Scheme":"https","Host":"bing.com","Port":"","Path":"","Username":"",
                   "Password":"","Query Parameters":{},"Fragment":""})
        );
        assert_eq!(
            parse_url("http://[::1]:8080/a%20b?q=a%20b+c"),
            json!({"Scheme":"http","Host":"[::1]","Port":"8080","Path":"/a%20b","Username":"",
                   "Password":"","Query Parameters":{"q":"a b c"},"Fragment":""})
        );
        // Not absolute: every part empty.
        assert_eq!(parse_url("bing.com/x").get("Host"), Some(&json!("")));
        assert_eq!(
            parse_url("?a=1").get("Query Parameters"),
            Some(&json!({"a": "1"}))
        );
    }

    #[test]
    fn parse_urlquery_documented() {
        // DOCS parse-url-query-function.md, both examples.
        assert_eq!(
            parse_urlquery("k1=v1&k2=v2&k3=v3"),
            json!({"Query Parameters": {"k1":"v1","k2":"v2","k3":"v3"}})
        );
        assert_eq!(
            parse_urlquery("view=vs-2019&preserve-view=true"),
            json!({"Query Parameters": {"view":"vs-2019","preserve-view":"true"}})
        );
        assert_eq!(
            parse_urlquery("?a=1&a=2&flag"),
            json!({"Query Parameters": {"a":"1,2","flag":""}})
        );
    }
}
