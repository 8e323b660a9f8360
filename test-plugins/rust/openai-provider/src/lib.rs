//! openai-provider: an LLM Test Bench provider plugin (plugin ABI 1.1) that calls an
//! OpenAI-compatible chat-completions endpoint through the host (`host_http_request`).
//!
//! The plugin never opens a socket itself: the host makes the request, and only if the plugin was
//! granted the network permission and the URL's scheme, host and port are in its `allowedHosts`.
//!
//! Config (plugin_init): `{"base_url": "https://api.openai.com/v1", "model": "gpt-4o-mini",
//! "api_key": "sk-..."}`; `base_url` (http or https) and `model` are required, `api_key` is optional
//! (sent as `Authorization: Bearer ...` when present, never logged).
//!
//! Input (provider contract): `{"prompt", "model"?, "system"?, "max_tokens"?, "temperature"?}`.
//! It sends `POST {base_url}/chat/completions` with `{"model", "messages": [system?, user],
//! "max_tokens"?, "temperature"?}` and returns `{"text", "model", "finish_reason", "usage"}`:
//! `finish_reason` is `"length"` when the server says so and `"stop"` otherwise (the server's own
//! value is kept in `provider_finish_reason`). A non-2xx status, a network failure or a response
//! that is not a chat completion is returned as RESULT_ERROR with a message.
//!
//! Repeatability (ABI §6.4): a completion is not a pure function of the input, and calling the
//! server twice would cost twice. When the output does not fit (RESULT_BUFFER_TOO_SMALL), the
//! rendered output is kept and the host's retry with the same input gets it without a new request.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::alloc::{alloc, dealloc, Layout};
use std::cell::RefCell;

// ---------------------------------------------------------------------------------------------
// ABI glue (the pattern from docs/plugin-authors-guide.md)
// ---------------------------------------------------------------------------------------------

const RESULT_OK: i32 = 0;
const RESULT_ERROR: i32 = -1;
const RESULT_INVALID_INPUT: i32 = -2;
const RESULT_BUFFER_TOO_SMALL: i32 = -5;

const LOG_INFO: i32 = 2;
const LOG_ERROR: i32 = 4;

#[link(wasm_import_module = "env")]
extern "C" {
    fn host_log(level: i32, ptr: *const u8, len: usize) -> i32;
    fn host_http_request(req_ptr: *const u8, req_len: usize, resp_ptr: *mut u8, resp_max: usize) -> i32;
    fn host_http_response(ptr: *mut u8, max: usize) -> i32;
}

fn log(level: i32, message: &str) {
    unsafe {
        host_log(level, message.as_ptr(), message.len());
    }
}

const METADATA: &str = r#"{"name":"openai-provider","version":"1.0.0","description":"Chat completions from an OpenAI-compatible endpoint, through the host's permission-checked host_http_request","author":"LLM Test Bench","plugin_type":"provider","capabilities":["completion","chat","network"],"api_version":"1.1"}"#;

#[no_mangle]
pub extern "C" fn plugin_alloc(size: i32) -> *mut u8 {
    if size < 0 {
        return std::ptr::null_mut();
    }
    match Layout::from_size_align(size.max(1) as usize, 8) {
        Ok(layout) => unsafe { alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn plugin_free(ptr: *mut u8, size: i32) {
    if ptr.is_null() || size < 0 {
        return;
    }
    dealloc(ptr, Layout::from_size_align_unchecked(size.max(1) as usize, 8));
}

unsafe fn write_output(bytes: &[u8], out_ptr: *mut u8, out_len_ptr: *mut u32) -> i32 {
    let capacity = out_len_ptr.read_unaligned() as usize;
    out_len_ptr.write_unaligned(bytes.len() as u32);
    if bytes.len() > capacity {
        return RESULT_BUFFER_TOO_SMALL;
    }
    std::ptr::copy_nonoverlapping(bytes.as_ptr(), out_ptr, bytes.len());
    RESULT_OK
}

unsafe fn write_error(code: i32, message: &str, out_ptr: *mut u8, out_len_ptr: *mut u32) -> i32 {
    let capacity = out_len_ptr.read_unaligned() as usize;
    let mut n = message.len().min(capacity);
    while !message.is_char_boundary(n) {
        n -= 1;
    }
    std::ptr::copy_nonoverlapping(message.as_ptr(), out_ptr, n);
    out_len_ptr.write_unaligned(n as u32);
    code
}

#[no_mangle]
pub unsafe extern "C" fn plugin_metadata(out_ptr: *mut u8, out_len_ptr: *mut u32) -> i32 {
    write_output(METADATA.as_bytes(), out_ptr, out_len_ptr)
}

#[derive(Deserialize)]
struct Config {
    base_url: String,
    model: String,
    api_key: Option<String>,
}

thread_local! {
    static CONFIG: RefCell<Option<Config>> = RefCell::new(None);
    /// (input, output) of an execution that returned RESULT_BUFFER_TOO_SMALL, for the host's retry.
    static PENDING: RefCell<Option<(Vec<u8>, Vec<u8>)>> = RefCell::new(None);
}

#[no_mangle]
pub unsafe extern "C" fn plugin_init(config_ptr: *const u8, config_len: usize) -> i32 {
    // With panic = "abort" a panic traps without a message: log it first.
    std::panic::set_hook(Box::new(|info| log(LOG_ERROR, &info.to_string())));
    let bytes = std::slice::from_raw_parts(config_ptr, config_len);
    let config: Config = match serde_json::from_slice(bytes) {
        Ok(config) => config,
        Err(e) => {
            log(LOG_ERROR, &format!("invalid config: {} (needs \"base_url\" and \"model\")", e));
            return RESULT_INVALID_INPUT;
        }
    };
    if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
        log(LOG_ERROR, "invalid config: base_url must start with http:// or https://");
        return RESULT_INVALID_INPUT;
    }
    if config.model.is_empty() {
        log(LOG_ERROR, "invalid config: model must not be empty");
        return RESULT_INVALID_INPUT;
    }
    log(LOG_INFO, &format!("openai-provider ready (model {}, {})", config.model, config.base_url));
    CONFIG.with(|c| *c.borrow_mut() = Some(config));
    RESULT_OK
}

#[no_mangle]
pub unsafe extern "C" fn plugin_execute(
    in_ptr: *const u8,
    in_len: usize,
    out_ptr: *mut u8,
    out_len_ptr: *mut u32,
) -> i32 {
    let input_bytes = std::slice::from_raw_parts(in_ptr, in_len);
    // The host's retry after RESULT_BUFFER_TOO_SMALL: same input, so answer from the kept output.
    let pending = PENDING.with(|p| p.borrow_mut().take());
    if let Some((input, output)) = pending {
        if input == input_bytes {
            return write_output(&output, out_ptr, out_len_ptr);
        }
    }
    let input: ProviderInput = match serde_json::from_slice(input_bytes) {
        Ok(input) => input,
        Err(e) => {
            let message = format!("invalid provider input: {}", e);
            return write_error(RESULT_INVALID_INPUT, &message, out_ptr, out_len_ptr);
        }
    };
    let output = CONFIG.with(|c| match c.borrow().as_ref() {
        Some(config) => complete(&input, config),
        None => Err((RESULT_ERROR, "plugin_init has not run".to_string())),
    });
    let output = match output {
        Ok(output) => output,
        Err((code, message)) => return write_error(code, &message, out_ptr, out_len_ptr),
    };
    let json = match serde_json::to_vec(&output) {
        Ok(json) => json,
        Err(e) => return write_error(RESULT_ERROR, &format!("cannot serialise output: {}", e), out_ptr, out_len_ptr),
    };
    let code = write_output(&json, out_ptr, out_len_ptr);
    if code == RESULT_BUFFER_TOO_SMALL {
        PENDING.with(|p| *p.borrow_mut() = Some((input_bytes.to_vec(), json)));
    }
    code
}

#[no_mangle]
pub extern "C" fn plugin_shutdown() -> i32 {
    RESULT_OK
}

// ---------------------------------------------------------------------------------------------
// host_http_request
// ---------------------------------------------------------------------------------------------

/// Most responses fit; a larger one is read with host_http_response, never requested twice.
const FIRST_BUFFER: usize = 16 * 1024;

#[derive(Deserialize)]
struct HttpResponse {
    status: u16,
    body: String,
}

/// Sends one request through the host; Ok(response JSON) or Err(what went wrong).
fn http(request: &Value) -> Result<HttpResponse, String> {
    let request = serde_json::to_vec(request).map_err(|e| format!("cannot serialise request: {}", e))?;
    let mut buffer = vec![0u8; FIRST_BUFFER];
    let n = unsafe { host_http_request(request.as_ptr(), request.len(), buffer.as_mut_ptr(), buffer.len()) };
    if n < 0 {
        // After -2 (malformed request) or -3 (request failed) the host explains it: {"error": "..."}
        let detail = read_last_response()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_else(|| "no details".to_string());
        return Err(format!("host_http_request returned {}: {}", n, detail));
    }
    let n = n as usize;
    if n > buffer.len() {
        buffer = read_last_response().ok_or("host_http_response returned nothing")?;
        if buffer.len() != n {
            return Err("host_http_response returned another length".to_string());
        }
    }
    buffer.truncate(n);
    serde_json::from_slice(&buffer).map_err(|e| format!("the host's response JSON did not parse: {}", e))
}

/// The whole JSON of this run's last host_http_request (response or error), if any.
fn read_last_response() -> Option<Vec<u8>> {
    let n = unsafe { host_http_response(std::ptr::null_mut(), 0) };
    if n < 0 {
        return None;
    }
    let mut buffer = vec![0u8; n as usize];
    let m = unsafe { host_http_response(buffer.as_mut_ptr(), buffer.len()) };
    if m != n {
        return None;
    }
    Some(buffer)
}

// ---------------------------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct ProviderInput {
    prompt: String,
    model: Option<String>,
    system: Option<String>,
    max_tokens: Option<u64>,
    temperature: Option<f64>,
}

#[derive(Serialize)]
struct ProviderOutput {
    text: String,
    model: String,
    finish_reason: &'static str,
    usage: Usage,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider_finish_reason: Option<String>,
}

#[derive(Serialize)]
struct Usage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

#[derive(Deserialize)]
struct ChatResponse {
    model: Option<String>,
    choices: Vec<Choice>,
    usage: Option<ChatUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: Option<Message>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    content: Option<String>,
}

#[derive(Deserialize)]
struct ChatUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
}

fn complete(input: &ProviderInput, config: &Config) -> Result<ProviderOutput, (i32, String)> {
    if let Some(t) = input.temperature {
        if t < 0.0 {
            return Err((RESULT_INVALID_INPUT, format!("temperature must be >= 0, got {}", t)));
        }
    }
    if input.max_tokens == Some(0) {
        return Err((RESULT_INVALID_INPUT, "max_tokens must be at least 1".to_string()));
    }
    let model = input.model.clone().unwrap_or_else(|| config.model.clone());
    let mut messages = Vec::new();
    if let Some(system) = &input.system {
        messages.push(json!({"role": "system", "content": system}));
    }
    messages.push(json!({"role": "user", "content": input.prompt}));
    let mut body = json!({"model": model, "messages": messages});
    if let Some(max_tokens) = input.max_tokens {
        body["max_tokens"] = json!(max_tokens);
    }
    if let Some(temperature) = input.temperature {
        body["temperature"] = json!(temperature);
    }
    let mut headers = json!({"content-type": "application/json", "accept": "application/json"});
    if let Some(key) = &config.api_key {
        headers["authorization"] = json!(format!("Bearer {}", key));
    }
    let url = format!("{}/chat/completions", config.base_url.trim_end_matches('/'));
    let request = json!({"method": "POST", "url": url, "headers": headers, "body": body.to_string()});

    let response = http(&request).map_err(|e| (RESULT_ERROR, format!("{}: {}", url, e)))?;
    if !(200..300).contains(&response.status) {
        return Err((RESULT_ERROR, format!("{} returned HTTP {}: {}", url, response.status, error_detail(&response.body))));
    }
    let chat: ChatResponse = serde_json::from_str(&response.body)
        .map_err(|e| (RESULT_ERROR, format!("{} returned no chat completion: {}", url, e)))?;
    let choice = chat
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| (RESULT_ERROR, format!("{} returned no choices", url)))?;
    let text = choice.message.and_then(|m| m.content).unwrap_or_default();
    let finish_reason = if choice.finish_reason.as_deref() == Some("length") { "length" } else { "stop" };
    let provider_finish_reason = match choice.finish_reason {
        Some(reason) if reason != finish_reason => Some(reason),
        _ => None,
    };
    let usage = chat.usage.map_or(Usage { prompt_tokens: 0, completion_tokens: 0 }, |u| Usage {
        prompt_tokens: u.prompt_tokens.unwrap_or(0),
        completion_tokens: u.completion_tokens.unwrap_or(0),
    });
    Ok(ProviderOutput {
        text,
        model: chat.model.unwrap_or(model),
        finish_reason,
        usage,
        provider_finish_reason,
    })
}

/// The server's error message (`{"error": {"message": ...}}`), else the start of the body.
fn error_detail(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    if let Some(message) = parsed.as_ref().and_then(|v| v.pointer("/error/message")).and_then(Value::as_str) {
        return message.to_string();
    }
    let mut end = body.len().min(200);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    body[..end].to_string()
}
