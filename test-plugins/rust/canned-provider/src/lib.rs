//! canned-provider: an LLM Test Bench provider plugin (plugin ABI v1) that never calls a model.
//!
//! It answers every prompt with a deterministic canned completion, so tests and benchmarks
//! get stable provider output:
//! * a prompt starting with `echo:` is answered with the rest of the prompt, trimmed;
//! * any other prompt picks one answer from a table by the FNV-1a hash of the prompt's bytes.
//!
//! `max_tokens` truncates the answer to that many words (`finish_reason` becomes `"length"`).
//! `temperature` is accepted (it must be >= 0) and ignored: the output is always the same.
//! Token counts are whitespace-separated words: `prompt_tokens` counts `system` + `prompt`.
//!
//! Config (plugin_init): `{"model": "canned-1", "answers": ["...", ...]}`, both optional.
//! `model` is reported when the input names none; `answers` replaces the built-in table.

use serde::{Deserialize, Serialize};
use std::alloc::{alloc, dealloc, Layout};
use std::cell::RefCell;

// ---------------------------------------------------------------------------------------------
// ABI v1 glue (the pattern from docs/plugin-authors-guide.md)
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
}

fn log(level: i32, message: &str) {
    unsafe {
        host_log(level, message.as_ptr(), message.len());
    }
}

const METADATA: &str = r#"{"name":"canned-provider","version":"1.0.0","description":"Deterministic canned completions (no model is called): echo: prompts are echoed, others pick an answer by prompt hash","author":"LLM Test Bench","plugin_type":"provider","capabilities":["completion","deterministic"],"api_version":"1.0"}"#;

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
    #[serde(default = "default_model")]
    model: String,
    answers: Option<Vec<String>>,
}

fn default_model() -> String {
    "canned-1".to_string()
}

thread_local! {
    static CONFIG: RefCell<Config> = RefCell::new(Config { model: default_model(), answers: None });
}

#[no_mangle]
pub unsafe extern "C" fn plugin_init(config_ptr: *const u8, config_len: usize) -> i32 {
    // With panic = "abort" a panic traps without a message: log it first.
    std::panic::set_hook(Box::new(|info| log(LOG_ERROR, &info.to_string())));
    let bytes = std::slice::from_raw_parts(config_ptr, config_len);
    let config: Config = match serde_json::from_slice(bytes) {
        Ok(config) => config,
        Err(e) => {
            log(LOG_ERROR, &format!("invalid config: {}", e));
            return RESULT_INVALID_INPUT;
        }
    };
    if config.model.is_empty() {
        log(LOG_ERROR, "invalid config: model must not be empty");
        return RESULT_INVALID_INPUT;
    }
    if matches!(&config.answers, Some(answers) if answers.is_empty()) {
        log(LOG_ERROR, "invalid config: answers must not be empty");
        return RESULT_INVALID_INPUT;
    }
    log(LOG_INFO, &format!("canned-provider ready (model {})", config.model));
    CONFIG.with(|c| *c.borrow_mut() = config);
    RESULT_OK
}

#[no_mangle]
pub unsafe extern "C" fn plugin_execute(
    in_ptr: *const u8,
    in_len: usize,
    out_ptr: *mut u8,
    out_len_ptr: *mut u32,
) -> i32 {
    let input = std::slice::from_raw_parts(in_ptr, in_len);
    let input: ProviderInput = match serde_json::from_slice(input) {
        Ok(input) => input,
        Err(e) => {
            let message = format!("invalid provider input: {}", e);
            return write_error(RESULT_INVALID_INPUT, &message, out_ptr, out_len_ptr);
        }
    };
    let output = CONFIG.with(|c| complete(&input, &c.borrow()));
    let output = match output {
        Ok(output) => output,
        Err(message) => return write_error(RESULT_INVALID_INPUT, &message, out_ptr, out_len_ptr),
    };
    match serde_json::to_vec(&output) {
        Ok(json) => write_output(&json, out_ptr, out_len_ptr),
        Err(e) => write_error(RESULT_ERROR, &format!("cannot serialise output: {}", e), out_ptr, out_len_ptr),
    }
}

#[no_mangle]
pub extern "C" fn plugin_shutdown() -> i32 {
    RESULT_OK
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
}

#[derive(Serialize)]
struct Usage {
    prompt_tokens: usize,
    completion_tokens: usize,
}

const ANSWERS: &[&str] = &[
    "The answer is 42.",
    "Paris is the capital of France.",
    "I am a canned response from a deterministic test provider.",
    "Water boils at 100 degrees Celsius at sea level.",
    "The quick brown fox jumps over the lazy dog.",
    "Yes, that is correct and the result looks good.",
    "No, that is wrong; please check the input again.",
    "Here is a short summary: the text describes a simple test case.",
];

/// 32-bit FNV-1a: tiny, and the same on every platform.
fn fnv1a(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in bytes {
        hash ^= b as u32;
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

fn complete(input: &ProviderInput, config: &Config) -> Result<ProviderOutput, String> {
    if let Some(t) = input.temperature {
        if t < 0.0 {
            return Err(format!("temperature must be >= 0, got {}", t));
        }
    }
    if input.max_tokens == Some(0) {
        return Err("max_tokens must be at least 1".to_string());
    }
    let answer: String = match input.prompt.strip_prefix("echo:") {
        Some(rest) => rest.trim().to_string(),
        None => {
            let hash = fnv1a(input.prompt.as_bytes()) as usize;
            match &config.answers {
                Some(answers) => answers[hash % answers.len()].clone(),
                None => ANSWERS[hash % ANSWERS.len()].to_string(),
            }
        }
    };
    let words: Vec<&str> = answer.split_whitespace().collect();
    let (text, finish_reason) = match input.max_tokens {
        Some(max) if (words.len() as u64) > max => (words[..max as usize].join(" "), "length"),
        _ => (answer.clone(), "stop"),
    };
    let prompt_tokens = input.prompt.split_whitespace().count()
        + input.system.as_deref().map_or(0, |s| s.split_whitespace().count());
    let completion_tokens = text.split_whitespace().count();
    Ok(ProviderOutput {
        text,
        model: input.model.clone().unwrap_or_else(|| config.model.clone()),
        finish_reason,
        usage: Usage { prompt_tokens, completion_tokens },
    })
}
