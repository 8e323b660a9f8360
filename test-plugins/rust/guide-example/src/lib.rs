//! guide-example: the plugin the original "Plugin System Guide" teaches, assembled from its own
//! snippets and left as written, so that the host is tested against what that guide's readers build.
//!
//! - "Required Exports": the six exports with the guide's signatures (`*mut u8`, `usize`,
//!   `*mut usize`; all `i32` on wasm32).
//! - "Best Practices 2. Validate Input": `plugin_execute` parses the input with serde and returns
//!   `RESULT_INVALID_INPUT` on a parse error and `RESULT_ERROR` for a text over `MAX_TEXT_LENGTH`,
//!   without writing the output length: the length cell still holds the buffer's capacity, and the
//!   host must not show the buffer's bytes as an error message (docs/plugin-abi.md §6.2).
//! - "3. Handle Errors Gracefully", "4. Limit Memory Usage", "Memory Issues" (the allocator),
//!   "Troubleshooting" (`host_log` declared without a module: wasm32 imports it from `env`).
//! - "6. Version Properly": `api_version` "1.0.0"; "API Reference": the metadata struct, with
//!   `plugin_type` a serde enum (serialized "Evaluator": the host accepts the type in any case).
//! - "7. Document Thoroughly": what `plugin_execute` does (a sentiment evaluator, the guide's
//!   "Example: Sentiment accuracy evaluator").
//!
//! Nothing was added for this host; the guide's example does not read the length cell's capacity and
//! does not know `RESULT_BUFFER_TOO_SMALL` (its outputs are small).

use serde::{Deserialize, Serialize};
use std::alloc::{alloc, dealloc, Layout};

// Result Codes
const RESULT_OK: i32 = 0;
const RESULT_ERROR: i32 = -1;
const RESULT_INVALID_INPUT: i32 = -2;
#[allow(dead_code)]
const RESULT_TIMEOUT: i32 = -3;
const RESULT_OUT_OF_MEMORY: i32 = -4;

const MAX_TEXT_LENGTH: usize = 10_000;

// Avoid large allocations
const MAX_BUFFER_SIZE: usize = 10 * 1024 * 1024; // 10 MB

// Add logging in plugin
extern "C" {
    fn host_log(level: i32, ptr: *const u8, len: usize) -> i32;
}

fn log_debug(msg: &str) {
    unsafe {
        host_log(1, msg.as_ptr(), msg.len());
    }
}

#[derive(Serialize)]
enum PluginType {
    Evaluator,
    #[allow(dead_code)]
    Provider,
    #[allow(dead_code)]
    Transform,
    #[allow(dead_code)]
    Filter,
}

#[derive(Serialize)]
struct PluginMetadata {
    name: String,              // Plugin name
    version: String,           // Semver version
    description: String,       // What it does
    author: String,            // Author name
    plugin_type: PluginType,   // evaluator | provider | transform | filter
    capabilities: Vec<String>, // What it can do
    api_version: String,       // Plugin API version
}

#[derive(Deserialize)]
struct MyInput {
    text: String,
    #[allow(dead_code)]
    expected: Option<String>,
}

#[derive(Serialize)]
struct MyOutput {
    score: f64,
    sentiment: &'static str,
}

// 1. Metadata - describe the plugin
#[no_mangle]
pub extern "C" fn plugin_metadata(output_ptr: *mut u8, output_len: *mut usize) -> i32 {
    let metadata = PluginMetadata {
        name: "guide-example".to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        description: "Evaluates text sentiment".to_string(),
        author: "Plugin System Guide".to_string(),
        plugin_type: PluginType::Evaluator,
        capabilities: vec!["sentiment".to_string()],
        api_version: "1.0.0".to_string(), // API compatibility version
    };
    let bytes = match serde_json::to_vec(&metadata) {
        Ok(bytes) => bytes,
        Err(_) => return RESULT_ERROR,
    };
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), output_ptr, bytes.len());
        *output_len = bytes.len();
    }
    RESULT_OK
}

// 2. Initialize - setup plugin state
#[no_mangle]
pub extern "C" fn plugin_init(_config_ptr: *const u8, _config_len: usize) -> i32 {
    RESULT_OK
}

/// Evaluates text sentiment
///
/// # Input
/// - `text`: Text to analyze
/// - `expected`: Expected sentiment (optional)
///
/// # Output
/// - `score`: Sentiment score (0.0 to 1.0)
/// - `sentiment`: "positive" | "negative" | "neutral"
#[no_mangle]
pub extern "C" fn plugin_execute(
    input_ptr: *const u8,
    input_len: usize,
    output_ptr: *mut u8,
    output_len: *mut usize,
) -> i32 {
    log_debug("Starting execution");
    let input_slice = unsafe { std::slice::from_raw_parts(input_ptr, input_len) };

    // Always validate input
    let input: MyInput = match serde_json::from_slice(input_slice) {
        Ok(i) => i,
        Err(_) => return RESULT_INVALID_INPUT,
    };

    // Check input constraints
    if input.text.len() > MAX_TEXT_LENGTH {
        return RESULT_ERROR;
    }

    // ... process input ...
    let output = evaluate(&input.text);

    // Don't panic - return error codes
    let bytes = match serde_json::to_vec(&output) {
        Ok(bytes) => bytes,
        Err(_) => return RESULT_ERROR,
    };
    if bytes.len() > MAX_BUFFER_SIZE {
        return RESULT_OUT_OF_MEMORY;
    }
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), output_ptr, bytes.len());
        *output_len = bytes.len();
    }
    log_debug("Execution complete");
    RESULT_OK
}

const POSITIVE: [&str; 8] = ["good", "great", "excellent", "happy", "love", "wonderful", "fine", "nice"];
const NEGATIVE: [&str; 8] = ["bad", "terrible", "awful", "sad", "hate", "horrible", "poor", "wrong"];

fn evaluate(text: &str) -> MyOutput {
    let mut positive = 0u32;
    let mut negative = 0u32;
    for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let word = word.to_ascii_lowercase();
        if POSITIVE.contains(&word.as_str()) {
            positive += 1;
        } else if NEGATIVE.contains(&word.as_str()) {
            negative += 1;
        }
    }
    if positive + negative == 0 {
        return MyOutput { score: 0.5, sentiment: "neutral" };
    }
    let score = positive as f64 / (positive + negative) as f64;
    let sentiment = if score > 0.5 {
        "positive"
    } else if score < 0.5 {
        "negative"
    } else {
        "neutral"
    };
    MyOutput { score, sentiment }
}

// 4. Shutdown - cleanup
#[no_mangle]
pub extern "C" fn plugin_shutdown() -> i32 {
    RESULT_OK
}

// 5. Memory management
#[no_mangle]
pub extern "C" fn plugin_alloc(size: usize) -> *mut u8 {
    let layout = Layout::from_size_align(size, 8).unwrap();
    unsafe { alloc(layout) }
}

#[no_mangle]
pub extern "C" fn plugin_free(ptr: *mut u8, size: usize) {
    let layout = Layout::from_size_align(size, 8).unwrap();
    unsafe { dealloc(ptr, layout) }
}
