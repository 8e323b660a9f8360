//! `host_http_request` (plugin ABI 1.1, feature `http`): HTTP through the host. The plugin never gets a
//! socket; the host sends the request only if the plugin was granted the network permission and the URL's
//! scheme, host and port are in its allowed hosts (`llmtb run --allow-host`). A refused URL, a response
//! body over the cap, or the deadline end the execution (`PERMISSION_DENIED`, `MEMORY_LIMIT`, `TIMEOUT`):
//! they are not returned here.
//!
//! ```ignore
//! let response = llmtb_pdk::http::Request::post("https://api.example.com/v1/score", body)
//!     .header("content-type", "application/json")
//!     .send()?;
//! if !response.is_success() { return Err(PluginError::error(format!("HTTP {}", response.status))); }
//! ```
//!
//! A request is a side effect: the PDK answers the host's `-5` retry from the output it kept, so an
//! execution sends its requests once.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Most responses fit in the first buffer; a larger one is read with `host_http_response`, never
/// requested twice.
const FIRST_BUFFER: usize = 16 * 1024;

/// An HTTP request.
#[derive(Clone, Debug, Serialize)]
pub struct Request {
    method: String,
    url: String,
    headers: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
}

impl Request {
    /// A request with `method` (`GET`, `HEAD`, `POST`, `PUT`, `PATCH`, `DELETE` or `OPTIONS`) to `url`
    /// (absolute, `http` or `https`).
    pub fn new(method: &str, url: &str) -> Request {
        Request { method: method.to_string(), url: url.to_string(), headers: BTreeMap::new(), body: None }
    }

    /// A `GET` request.
    pub fn get(url: &str) -> Request {
        Request::new("GET", url)
    }

    /// A `POST` request with a body.
    pub fn post(url: &str, body: impl Into<String>) -> Request {
        Request::new("POST", url).body(body)
    }

    /// Adds a header (names are case-insensitive; `host`, `connection`, `content-length`, `expect` and
    /// `upgrade` are set by the host and refused here).
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.insert(name.to_ascii_lowercase(), value.to_string());
        self
    }

    /// Sets the body (sent as UTF-8).
    pub fn body(mut self, body: impl Into<String>) -> Request {
        self.body = Some(body.into());
        self
    }

    /// Sends the request through the host: [`request`].
    pub fn send(&self) -> Result<Response, HttpError> {
        request(self)
    }
}

/// The final response (after redirects). Any status, 4xx and 5xx included, is a response.
#[derive(Clone, Debug, Deserialize)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// Header names in lower case; repeated headers joined with `", "`.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body, decoded as UTF-8.
    #[serde(default)]
    pub body: String,
    /// The URL that answered.
    #[serde(default)]
    pub url: String,
}

impl Response {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body parsed as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.body)
    }
}

/// Why no response came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpError {
    /// `-2`: the host refused the request as malformed (nothing was sent); the host's explanation.
    Malformed(String),
    /// `-3`: the request failed (connection, DNS, TLS, too many redirects); the host's explanation.
    Failed(String),
    /// The host's answer could not be read (a bug in the host or the PDK).
    Host(String),
}

impl HttpError {
    fn code(&self) -> i32 {
        match self {
            HttpError::Malformed(_) => -2,
            HttpError::Failed(_) => -3,
            HttpError::Host(_) => -1,
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Malformed(m) | HttpError::Failed(m) => write!(f, "host_http_request returned {}: {}", self.code(), m),
            HttpError::Host(m) => write!(f, "host_http_request: {}", m),
        }
    }
}

impl std::error::Error for HttpError {}

impl From<HttpError> for crate::PluginError {
    fn from(e: HttpError) -> crate::PluginError {
        crate::PluginError::error(e.to_string())
    }
}

/// Sends one request through the host and returns its response.
pub fn request(request: &Request) -> Result<Response, HttpError> {
    let json = serde_json::to_vec(request).map_err(|e| HttpError::Host(format!("cannot serialise the request: {}", e)))?;
    let mut buffer = vec![0u8; FIRST_BUFFER];
    let n = unsafe { crate::sys::host_http_request(json.as_ptr(), json.len() as u32, buffer.as_mut_ptr(), buffer.len() as u32) };
    if n < 0 {
        // After -2 or -3 the host explains it: {"error": "..."}
        let detail = last_response()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v.get("error").and_then(serde_json::Value::as_str).map(str::to_string))
            .unwrap_or_else(|| "no details".to_string());
        return Err(match n {
            -2 => HttpError::Malformed(detail),
            -3 => HttpError::Failed(detail),
            other => HttpError::Host(format!("unexpected result {}: {}", other, detail)),
        });
    }
    let n = n as usize;
    if n > buffer.len() {
        buffer = last_response().ok_or_else(|| HttpError::Host("host_http_response returned nothing".to_string()))?;
        if buffer.len() != n {
            return Err(HttpError::Host("host_http_response returned another length".to_string()));
        }
    }
    buffer.truncate(n);
    serde_json::from_slice(&buffer).map_err(|e| HttpError::Host(format!("the host's response JSON did not parse: {}", e)))
}

/// The whole JSON of this run's last `host_http_request` (the response, or `{"error": ...}`), if any.
pub fn last_response() -> Option<Vec<u8>> {
    let n = unsafe { crate::sys::host_http_response(std::ptr::null_mut(), 0) };
    if n < 0 {
        return None;
    }
    let mut buffer = vec![0u8; n as usize];
    let m = unsafe { crate::sys::host_http_response(buffer.as_mut_ptr(), buffer.len() as u32) };
    if m != n {
        return None;
    }
    Some(buffer)
}
