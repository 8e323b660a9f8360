//! threshold-filter: an LLM Test Bench filter plugin (plugin ABI v1).
//!
//! Input `{"text": "...", "scores": {"<evaluator>": <number>, ...}}`, output
//! `{"keep": <bool>, "reason": "..."}`. A record is kept when its scores reach `min_score`:
//! all of them (`"require": "all"`, the default) or at least one (`"require": "any"`).
//! A record without any score is never kept.
//!
//! Config (plugin_init): `{"min_score": 0.5, "require": "all" | "any"}`, both optional.

use serde::{Deserialize, Serialize};
use std::alloc::{alloc, dealloc, Layout};
use std::cell::Cell;
use std::collections::BTreeMap;

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

const METADATA: &str = r#"{"name":"threshold-filter","version":"1.0.0","description":"Keeps records whose evaluator scores reach min_score (all of them, or any one)","author":"LLM Test Bench","plugin_type":"filter","capabilities":["threshold"],"api_version":"1.0"}"#;

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

#[derive(Clone, Copy, PartialEq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Require {
    All,
    Any,
}

#[derive(Clone, Copy, Deserialize)]
struct Config {
    #[serde(default = "default_min_score")]
    min_score: f64,
    #[serde(default = "default_require")]
    require: Require,
}

fn default_min_score() -> f64 {
    0.5
}

fn default_require() -> Require {
    Require::All
}

thread_local! {
    static CONFIG: Cell<Config> =
        Cell::new(Config { min_score: default_min_score(), require: default_require() });
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
    let require = if config.require == Require::All { "all" } else { "any" };
    log(LOG_INFO, &format!("threshold-filter ready (min_score {}, require {})", config.min_score, require));
    CONFIG.with(|c| c.set(config));
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
    let input: FilterInput = match serde_json::from_slice(input) {
        Ok(input) => input,
        Err(e) => {
            let message = format!("invalid filter input: {}", e);
            return write_error(RESULT_INVALID_INPUT, &message, out_ptr, out_len_ptr);
        }
    };
    let output = decide(&input.scores, CONFIG.with(|c| c.get()));
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
// The filter
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct FilterInput {
    /// Scores by evaluator name; a BTreeMap so that reasons list names in a stable order.
    scores: BTreeMap<String, f64>,
}

#[derive(Serialize)]
struct FilterOutput {
    keep: bool,
    reason: String,
}

fn decide(scores: &BTreeMap<String, f64>, config: Config) -> FilterOutput {
    let min = config.min_score;
    if scores.is_empty() {
        return FilterOutput { keep: false, reason: "no scores to judge".to_string() };
    }
    let (passing, failing): (Vec<_>, Vec<_>) = scores.iter().partition(|(_, &s)| s >= min);
    let list = |items: &[(&String, &f64)]| {
        items.iter().map(|(n, s)| format!("{}={}", n, s)).collect::<Vec<_>>().join(", ")
    };
    match config.require {
        Require::All if failing.is_empty() => FilterOutput {
            keep: true,
            reason: format!("all {} scores >= {}", scores.len(), min),
        },
        Require::All => FilterOutput {
            keep: false,
            reason: format!("{} of {} scores below {}: {}", failing.len(), scores.len(), min, list(&failing)),
        },
        Require::Any if !passing.is_empty() => FilterOutput {
            keep: true,
            reason: format!("{} of {} scores >= {}: {}", passing.len(), scores.len(), min, list(&passing)),
        },
        Require::Any => FilterOutput {
            keep: false,
            reason: format!("no score >= {}: {}", min, list(&failing)),
        },
    }
}
