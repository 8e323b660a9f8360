//! similarity-evaluator: an LLM Test Bench evaluator plugin (plugin ABI v1).
//!
//! * With `expected`: scores the token-set F1 between the response (`text`) and the
//!   reference (`expected`), over lowercased alphanumeric words.
//! * Without `expected`: scores sentiment with a tiny word lexicon (1 = positive, 0 = negative).
//!
//! Config (plugin_init): `{"threshold": 0.5}`; `passed` is `score >= threshold`.
//!
//! This file is laid out the way docs/plugin-authors-guide.md teaches: the ABI glue
//! (alloc/free/metadata/init/execute/shutdown and the output-buffer helper) first,
//! the plugin's own logic after it.

use serde::{Deserialize, Serialize};
use std::alloc::{alloc, dealloc, Layout};
use std::cell::Cell;
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// ABI v1 glue
// ---------------------------------------------------------------------------------------------

const RESULT_OK: i32 = 0;
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

const METADATA: &str = r#"{"name":"similarity-evaluator","version":"1.0.0","description":"Token-set F1 similarity of a response against a reference answer; a tiny sentiment lexicon when no reference is given","author":"LLM Test Bench","plugin_type":"evaluator","capabilities":["similarity","sentiment"],"api_version":"1.0"}"#;

/// Returns a pointer to `size` writable bytes, or 0 when the allocation fails.
#[no_mangle]
pub extern "C" fn plugin_alloc(size: i32) -> *mut u8 {
    if size < 0 {
        return std::ptr::null_mut();
    }
    // A zero-sized Layout may not be passed to `alloc`: allocate at least one byte.
    match Layout::from_size_align(size.max(1) as usize, 8) {
        Ok(layout) => unsafe { alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

/// Frees what `plugin_alloc(size)` returned; the host passes the same `size`.
#[no_mangle]
pub unsafe extern "C" fn plugin_free(ptr: *mut u8, size: i32) {
    if ptr.is_null() || size < 0 {
        return;
    }
    dealloc(ptr, Layout::from_size_align_unchecked(size.max(1) as usize, 8));
}

/// Copies `bytes` into the host's output buffer. The u32 cell at `out_len_ptr` holds the
/// buffer's capacity on entry and receives the length written (or the length needed).
unsafe fn write_output(bytes: &[u8], out_ptr: *mut u8, out_len_ptr: *mut u32) -> i32 {
    let capacity = out_len_ptr.read_unaligned() as usize;
    out_len_ptr.write_unaligned(bytes.len() as u32);
    if bytes.len() > capacity {
        return RESULT_BUFFER_TOO_SMALL; // the host retries once with a buffer of bytes.len()
    }
    std::ptr::copy_nonoverlapping(bytes.as_ptr(), out_ptr, bytes.len());
    RESULT_OK
}

/// Puts an error message (truncated to the capacity) in the output buffer and returns `code`.
unsafe fn write_error(code: i32, message: &str, out_ptr: *mut u8, out_len_ptr: *mut u32) -> i32 {
    let capacity = out_len_ptr.read_unaligned() as usize;
    let mut n = message.len().min(capacity);
    while !message.is_char_boundary(n) {
        n -= 1; // never cut a UTF-8 sequence in half
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
    #[serde(default = "default_threshold")]
    threshold: f64,
}

fn default_threshold() -> f64 {
    0.5
}

thread_local! {
    static THRESHOLD: Cell<f64> = Cell::new(default_threshold());
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
    if !(0.0..=1.0).contains(&config.threshold) {
        log(LOG_ERROR, &format!("invalid config: threshold {} is not in [0, 1]", config.threshold));
        return RESULT_INVALID_INPUT;
    }
    THRESHOLD.with(|t| t.set(config.threshold));
    log(LOG_INFO, &format!("similarity-evaluator ready (threshold {})", config.threshold));
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
    let input: EvalInput = match serde_json::from_slice(input) {
        Ok(input) => input,
        Err(e) => {
            let message = format!("invalid evaluator input: {}", e);
            return write_error(RESULT_INVALID_INPUT, &message, out_ptr, out_len_ptr);
        }
    };
    let output = evaluate(&input, THRESHOLD.with(|t| t.get()));
    match serde_json::to_vec(&output) {
        Ok(json) => write_output(&json, out_ptr, out_len_ptr),
        Err(e) => write_error(-1, &format!("cannot serialise output: {}", e), out_ptr, out_len_ptr),
    }
}

#[no_mangle]
pub extern "C" fn plugin_shutdown() -> i32 {
    RESULT_OK
}

// ---------------------------------------------------------------------------------------------
// The evaluator
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct EvalInput {
    text: String,
    expected: Option<String>,
    #[allow(dead_code)] // part of the evaluator contract; this evaluator does not need it
    prompt: Option<String>,
}

#[derive(Serialize)]
struct EvalOutput {
    score: f64,
    passed: bool,
    label: &'static str,
    details: Details,
}

#[derive(Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
enum Details {
    TokenF1 {
        threshold: f64,
        precision: f64,
        recall: f64,
        jaccard: f64,
        common_tokens: usize,
        text_tokens: usize,
        expected_tokens: usize,
    },
    SentimentLexicon {
        threshold: f64,
        positive_words: usize,
        negative_words: usize,
    },
}

fn evaluate(input: &EvalInput, threshold: f64) -> EvalOutput {
    match &input.expected {
        Some(expected) => similarity(&input.text, expected, threshold),
        None => sentiment(&input.text, threshold),
    }
}

/// Lowercased words: maximal runs of alphanumeric characters.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

fn similarity(text: &str, expected: &str, threshold: f64) -> EvalOutput {
    let a: BTreeSet<String> = words(text).into_iter().collect();
    let b: BTreeSet<String> = words(expected).into_iter().collect();
    let common = a.intersection(&b).count();
    let union = a.union(&b).count();
    let (precision, recall, f1, jaccard) = if a.is_empty() && b.is_empty() {
        (1.0, 1.0, 1.0, 1.0) // two empty answers are identical
    } else {
        let precision = if a.is_empty() { 0.0 } else { common as f64 / a.len() as f64 };
        let recall = if b.is_empty() { 0.0 } else { common as f64 / b.len() as f64 };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        (precision, recall, f1, common as f64 / union as f64)
    };
    let passed = f1 >= threshold;
    EvalOutput {
        score: f1,
        passed,
        label: if passed { "similar" } else { "dissimilar" },
        details: Details::TokenF1 {
            threshold,
            precision,
            recall,
            jaccard,
            common_tokens: common,
            text_tokens: a.len(),
            expected_tokens: b.len(),
        },
    }
}

const POSITIVE: &[&str] = &[
    "amazing", "awesome", "best", "brilliant", "correct", "excellent", "fantastic", "glad", "good",
    "great", "happy", "helpful", "like", "love", "nice", "perfect", "pleased", "positive", "right",
    "success", "useful", "wonderful",
];
const NEGATIVE: &[&str] = &[
    "angry", "awful", "bad", "broken", "disappointing", "fail", "failed", "hate", "horrible",
    "incorrect", "negative", "poor", "sad", "terrible", "useless", "worse", "worst", "wrong",
];
const NEGATIONS: &[&str] = &["not", "no", "never", "isn", "wasn", "don", "doesn", "didn"];

fn sentiment(text: &str, threshold: f64) -> EvalOutput {
    let (mut positive, mut negative) = (0usize, 0usize);
    let mut negated = false;
    for word in words(text) {
        let w = word.as_str();
        if w == "t" {
            continue; // "don't" splits into "don" + "t": keep the negation for the next word
        }
        let polarity = if POSITIVE.contains(&w) {
            1
        } else if NEGATIVE.contains(&w) {
            -1
        } else {
            0
        };
        match (polarity, negated) {
            (1, false) | (-1, true) => positive += 1,
            (-1, false) | (1, true) => negative += 1,
            _ => {}
        }
        // "not good": a negation flips the next word only.
        negated = polarity == 0 && NEGATIONS.contains(&w);
    }
    let score = if positive + negative == 0 {
        0.5
    } else {
        positive as f64 / (positive + negative) as f64
    };
    let label = if score > 0.5 {
        "positive"
    } else if score < 0.5 {
        "negative"
    } else {
        "neutral"
    };
    EvalOutput {
        score,
        passed: score >= threshold,
        label,
        details: Details::SentimentLexicon {
            threshold,
            positive_words: positive,
            negative_words: negative,
        },
    }
}
