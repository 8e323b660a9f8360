//! Unit tests of a plugin on your machine: `cargo test --target <your machine's triple>` (e.g.
//! `x86_64-unknown-linux-gnu`; `rustc -vV` shows it), since `.cargo/config.toml` makes wasm the default.
//! Outside wasm the host functions are stand-ins ([`sys`](crate::sys)).
//!
//! ```ignore
//! #[test]
//! fn finds_the_expected_answer() {
//!     let mut plugin = llmtb_pdk::testing::Instance::<Contains>::new("{}").unwrap();
//!     let output = plugin.execute(r#"{"text": "It is Paris.", "expected": "paris"}"#).unwrap();
//!     assert_eq!(output["score"], 1.0);
//! }
//! ```

use crate::{Plugin, PluginError};

/// One plugin value made from a configuration, as an instance of the host holds it.
pub struct Instance<P: Plugin> {
    plugin: P,
}

impl<P: Plugin> Instance<P> {
    /// Parses the configuration JSON and calls [`Plugin::init`], as `plugin_init` does.
    pub fn new(config: &str) -> Result<Instance<P>, PluginError> {
        crate::__private::make::<P>(config.as_bytes()).map(|plugin| Instance { plugin })
    }

    /// Parses the input JSON, calls [`Plugin::execute`] and returns its output as JSON, as `plugin_execute`
    /// does: an input that does not parse is `RESULT_INVALID_INPUT` with serde's message.
    pub fn execute(&mut self, input: &str) -> Result<serde_json::Value, PluginError> {
        let json = crate::__private::run(&mut self.plugin, input.as_bytes())?;
        Ok(serde_json::from_slice(&json).expect("the output serializes to JSON"))
    }

    /// The plugin value.
    pub fn plugin(&mut self) -> &mut P {
        &mut self.plugin
    }
}

impl<P: Plugin> std::fmt::Debug for Instance<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Instance({})", P::metadata().to_json())
    }
}

/// The metadata JSON, as `plugin_metadata` writes it.
pub fn metadata<P: Plugin>() -> serde_json::Value {
    serde_json::from_str(&P::metadata().to_json()).expect("metadata is JSON")
}
