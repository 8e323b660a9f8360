//! # llmtb-pdk: write LLM Test Bench plugins in safe Rust
//!
//! A plugin is a type that implements [`Plugin`]; [`plugin!`] turns it into the six exports of the
//! plugin ABI (docs/plugin-abi.md): `plugin_alloc`, `plugin_free`, `plugin_metadata`, `plugin_init`,
//! `plugin_execute` and `plugin_shutdown`, with the buffer protocol done for you (the capacity in the
//! length cell, the `-5` retry, error messages in the output buffer).
//!
//! ```ignore
//! use llmtb_pdk::{Metadata, Plugin, PluginError, PluginType};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Deserialize)]
//! struct Config { #[serde(default)] case_sensitive: bool }
//! #[derive(Deserialize)]
//! struct Input { text: String, expected: String }
//! #[derive(Serialize)]
//! struct Output { score: f64, passed: bool }
//!
//! struct Contains { case_sensitive: bool }
//!
//! impl Plugin for Contains {
//!     type Config = Config;
//!     type Input = Input;
//!     type Output = Output;
//!
//!     fn metadata() -> Metadata {
//!         Metadata::new("contains", "0.1.0", PluginType::Evaluator)
//!     }
//!     fn init(config: Config) -> Result<Self, PluginError> {
//!         Ok(Contains { case_sensitive: config.case_sensitive })
//!     }
//!     fn execute(&mut self, input: Input) -> Result<Output, PluginError> {
//!         let found = if self.case_sensitive { input.text.contains(&input.expected) }
//!             else { input.text.to_lowercase().contains(&input.expected.to_lowercase()) };
//!         Ok(Output { score: if found { 1.0 } else { 0.0 }, passed: found })
//!     }
//! }
//!
//! llmtb_pdk::plugin!(Contains);
//! ```
//!
//! What the generated exports do for you:
//!
//! * `plugin_init` installs a panic hook that logs a panic's message at error level before the trap
//!   (build with `panic = "abort"`), parses the configuration into [`Plugin::Config`] (an invalid one is
//!   logged at error level and answered with `RESULT_INVALID_INPUT`), and calls [`Plugin::init`]; an
//!   error from it is logged at error level, so the host shows it in the load failure.
//! * `plugin_execute` parses the input into [`Plugin::Input`] (an invalid one is answered with
//!   `RESULT_INVALID_INPUT` and serde's message), calls [`Plugin::execute`] and writes its output. When the
//!   output does not fit the host's buffer it keeps the rendered output, and the host's retry with the same
//!   input gets it without calling `execute` again: side effects happen once per execution (ABI §6.4).
//! * The host functions are safe functions: [`log`], [`time`], [`random`], [`state`], [`context`] and,
//!   with the `http` feature, [`http`](crate::http). A plugin imports only the host functions it calls.
//!
//! Build for `wasm32-unknown-unknown` with `crate-type = ["cdylib"]`. The crate builds with Rust 1.63
//! and serde 1.0.152 / serde_json 1.0.87 (Debian 12's packages), offline.
//!
//! Features: `http` (`host_http_request`, plugin ABI 1.1) and `atomic-state`
//! (`host_compare_and_set_state`, plugin ABI 1.2). [`Metadata::new`] declares the lowest `api_version`
//! that covers the enabled features ([`API_VERSION`]).

#![warn(missing_docs)]

use serde::Serialize;
use std::fmt;

pub mod context;
#[cfg(feature = "http")]
pub mod http;
pub mod log;
pub mod random;
pub mod state;
pub mod sys;
pub mod testing;
pub mod time;

#[doc(hidden)]
pub mod __private;

#[cfg(test)]
mod tests;

pub use serde_json::Value;

/// A configuration type for plugins that take no options: accepts any JSON (`{}` included).
pub type NoConfig = serde::de::IgnoredAny;

/// The plugin ABI version that [`Metadata::new`] declares: the lowest one that provides every host
/// function the enabled features can import (`1.0`; `1.1` with `http`; `1.2` with `atomic-state`).
pub const API_VERSION: &str = if cfg!(feature = "atomic-state") {
    "1.2"
} else if cfg!(feature = "http") {
    "1.1"
} else {
    "1.0"
};

/// What a plugin is for; decides the JSON its input and output have (ABI §16).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PluginType {
    /// Scores a model response: output `{"score": 0..1, "passed"?, "label"?, "details"?}`.
    Evaluator,
    /// Produces a model response: output `{"text", "model", "finish_reason", "usage"}`.
    Provider,
    /// Rewrites a record: output the record with its transformed `text`.
    Transform,
    /// Decides whether a record is kept: output `{"keep": bool, "reason"?}`.
    Filter,
}

impl PluginType {
    /// The metadata spelling: `"evaluator"`, `"provider"`, `"transform"` or `"filter"`.
    pub fn json_name(self) -> &'static str {
        match self {
            PluginType::Evaluator => "evaluator",
            PluginType::Provider => "provider",
            PluginType::Transform => "transform",
            PluginType::Filter => "filter",
        }
    }
}

/// The plugin's metadata (ABI §15), written by `plugin_metadata`.
#[derive(Clone, Debug, Serialize)]
pub struct Metadata {
    name: String,
    version: String,
    description: String,
    author: String,
    pub(crate) plugin_type: PluginType,
    capabilities: Vec<String>,
    api_version: String,
}

impl Metadata {
    /// `name` must match `[a-z0-9][a-z0-9._-]{0,63}` and `version` be a semantic version
    /// (`MAJOR.MINOR.PATCH`); the host refuses the plugin at load otherwise, naming the field.
    /// `api_version` is [`API_VERSION`].
    pub fn new(name: &str, version: &str, plugin_type: PluginType) -> Metadata {
        Metadata {
            name: name.to_string(),
            version: version.to_string(),
            description: String::new(),
            author: String::new(),
            plugin_type,
            capabilities: Vec::new(),
            api_version: API_VERSION.to_string(),
        }
    }

    /// Free text shown by `llmtb inspect`.
    pub fn description(mut self, description: &str) -> Metadata {
        self.description = description.to_string();
        self
    }

    /// Free text, e.g. `"Jane Doe <jane@example.org>"`.
    pub fn author(mut self, author: &str) -> Metadata {
        self.author = author.to_string();
        self
    }

    /// Free-form tags for discovery, e.g. `["sentiment"]`.
    pub fn capabilities(mut self, capabilities: &[&str]) -> Metadata {
        self.capabilities = capabilities.iter().map(|c| c.to_string()).collect();
        self
    }

    /// Declares another plugin ABI version than [`API_VERSION`] (e.g. a newer minor version).
    pub fn api_version(mut self, api_version: &str) -> Metadata {
        self.api_version = api_version.to_string();
        self
    }

    /// The metadata JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("metadata serializes")
    }
}

/// The ABI's result codes (ABI §7).
pub mod result {
    /// Success.
    pub const OK: i32 = 0;
    /// A generic failure: reported as `PLUGIN_ERROR`.
    pub const ERROR: i32 = -1;
    /// The input (or, from `plugin_init`, the configuration) was rejected: `PLUGIN_ERROR`.
    pub const INVALID_INPUT: i32 = -2;
    /// The plugin gave up on its own time budget: reported as `TIMEOUT`.
    pub const TIMEOUT: i32 = -3;
    /// The plugin could not get memory: reported as `MEMORY_LIMIT`.
    pub const OUT_OF_MEMORY: i32 = -4;
    /// The output does not fit the host's buffer; the PDK handles it.
    pub const BUFFER_TOO_SMALL: i32 = -5;
}

/// A failure returned by [`Plugin::init`] or [`Plugin::execute`]: a result code and a message. The host
/// reports it as `Plugin '<name>' execution failed with code: -2 (RESULT_INVALID_INPUT): <message>`; a
/// failure of `init` fails the load, with the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginError {
    code: i32,
    message: String,
}

impl PluginError {
    /// A failure with a result code of ABI §7 (`result::ERROR`...). `0` and `-5` are not failures and
    /// become `result::ERROR`.
    pub fn new(code: i32, message: impl Into<String>) -> PluginError {
        let code = if code == result::OK || code == result::BUFFER_TOO_SMALL { result::ERROR } else { code };
        PluginError { code, message: message.into() }
    }

    /// `RESULT_ERROR` (-1): a generic failure.
    pub fn error(message: impl Into<String>) -> PluginError {
        PluginError::new(result::ERROR, message)
    }

    /// `RESULT_INVALID_INPUT` (-2): the input, or in `init` the configuration, is not acceptable.
    pub fn invalid_input(message: impl Into<String>) -> PluginError {
        PluginError::new(result::INVALID_INPUT, message)
    }

    /// `RESULT_TIMEOUT` (-3): the plugin gave up on its own time budget.
    pub fn timeout(message: impl Into<String>) -> PluginError {
        PluginError::new(result::TIMEOUT, message)
    }

    /// `RESULT_OUT_OF_MEMORY` (-4).
    pub fn out_of_memory(message: impl Into<String>) -> PluginError {
        PluginError::new(result::OUT_OF_MEMORY, message)
    }

    /// The result code.
    pub fn code(&self) -> i32 {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (code {})", self.message, self.code)
    }
}

impl std::error::Error for PluginError {}

impl From<String> for PluginError {
    fn from(message: String) -> PluginError {
        PluginError::error(message)
    }
}

impl From<&str> for PluginError {
    fn from(message: &str) -> PluginError {
        PluginError::error(message)
    }
}

impl From<serde_json::Error> for PluginError {
    fn from(e: serde_json::Error) -> PluginError {
        PluginError::error(e.to_string())
    }
}

/// A plugin. One value of this type lives in each instance the host creates: [`init`](Plugin::init) makes
/// it from the configuration, [`execute`](Plugin::execute) runs once per execution on it, and
/// [`shutdown`](Plugin::shutdown) runs when the host retires a healthy instance.
///
/// The host runs several instances of a plugin at once and may recreate them at any time (after an error,
/// to free capacity), so fields are a per-instance cache: keep in them only what `init` can rebuild, and
/// use [`state`] for data that must outlive an instance or be shared by all of them.
pub trait Plugin: Sized + 'static {
    /// The configuration, parsed from the JSON object the host passes to `plugin_init` (`{}` when none was
    /// configured): a `#[derive(Deserialize)]` struct (use `#[serde(default)]` for optional fields),
    /// [`NoConfig`] or [`Value`].
    type Config: serde::de::DeserializeOwned;
    /// The input of one execution: a `#[derive(Deserialize)]` struct, or [`Value`] to take any JSON.
    /// Unknown fields are ignored by serde's derive, as the ABI requires.
    type Input: serde::de::DeserializeOwned;
    /// The output of one execution: anything that serializes to JSON (a struct, or [`Value`]).
    type Output: Serialize;

    /// The metadata; the same every time (called before `init`, and again for every new instance).
    fn metadata() -> Metadata;

    /// Makes the plugin from its configuration. An error fails the load (or the start of a new
    /// instance); its message is logged at error level and shown by the host.
    fn init(config: Self::Config) -> Result<Self, PluginError>;

    /// One execution. Must give the same output for the same input, configuration and state.
    fn execute(&mut self, input: Self::Input) -> Result<Self::Output, PluginError>;

    /// Called when the host retires a healthy instance (not after a trap or a limit, and not guaranteed
    /// to run at all): release what the plugin holds.
    fn shutdown(&mut self) {}
}

/// Emits the six ABI exports for a type that implements [`Plugin`]. Use it once per crate, at the top
/// level: `llmtb_pdk::plugin!(MyPlugin);`.
#[macro_export]
macro_rules! plugin {
    ($plugin:ty) => {
        ::std::thread_local! {
            static __LLMTB_PDK_INSTANCE: ::std::cell::RefCell<::std::option::Option<$plugin>> =
                ::std::cell::RefCell::new(::std::option::Option::None);
        }

        /// ABI export: `size` writable bytes, or 0.
        #[no_mangle]
        pub extern "C" fn plugin_alloc(size: i32) -> *mut u8 {
            $crate::__private::alloc(size)
        }

        /// ABI export: frees what `plugin_alloc(size)` returned.
        ///
        /// # Safety
        /// Called by the host with a pointer from `plugin_alloc` and the same size.
        #[no_mangle]
        pub unsafe extern "C" fn plugin_free(ptr: *mut u8, size: i32) {
            $crate::__private::free(ptr, size)
        }

        /// ABI export: writes the metadata.
        ///
        /// # Safety
        /// Called by the host with its output buffer and length cell.
        #[no_mangle]
        pub unsafe extern "C" fn plugin_metadata(out_ptr: *mut u8, out_len_ptr: *mut u32) -> i32 {
            $crate::__private::metadata::<$plugin>(out_ptr, out_len_ptr)
        }

        /// ABI export: makes the plugin from its configuration.
        ///
        /// # Safety
        /// Called by the host with the configuration buffer.
        #[no_mangle]
        pub unsafe extern "C" fn plugin_init(config_ptr: *const u8, config_len: usize) -> i32 {
            $crate::__private::init::<$plugin>(&__LLMTB_PDK_INSTANCE, config_ptr, config_len)
        }

        /// ABI export: one execution.
        ///
        /// # Safety
        /// Called by the host with its input buffer, output buffer and length cell.
        #[no_mangle]
        pub unsafe extern "C" fn plugin_execute(
            in_ptr: *const u8,
            in_len: usize,
            out_ptr: *mut u8,
            out_len_ptr: *mut u32,
        ) -> i32 {
            $crate::__private::execute::<$plugin>(&__LLMTB_PDK_INSTANCE, in_ptr, in_len, out_ptr, out_len_ptr)
        }

        /// ABI export: retires the instance.
        #[no_mangle]
        pub extern "C" fn plugin_shutdown() -> i32 {
            $crate::__private::shutdown::<$plugin>(&__LLMTB_PDK_INSTANCE)
        }
    };
}
