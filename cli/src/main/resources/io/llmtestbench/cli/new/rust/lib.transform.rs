//! {{name}}: an LLM Test Bench transform plugin, on the Rust PDK (llmtb-pdk/).
//!
//! Input: a record, `{"text": "...", <any other fields>}`; output: the same record with its `text`
//! transformed (a transform must copy the fields it does not change). This one trims the text and
//! collapses runs of whitespace; with config `{"lowercase": true}` it also lowercases it.

use llmtb_pdk::{Metadata, Plugin, PluginError, PluginType, Value};
use serde::Deserialize;

#[derive(Deserialize)]
struct Config {
    #[serde(default)]
    lowercase: bool,
}

struct {{Struct}} {
    lowercase: bool,
}

impl Plugin for {{Struct}} {
    type Config = Config;
    type Input = Value; // any JSON: the record, whatever fields it has
    type Output = Value;

    fn metadata() -> Metadata {
        Metadata::new("{{name}}", "0.1.0", PluginType::Transform)
            .description("Trims the text and collapses whitespace (and lowercases it when configured)")
            .capabilities(&["normalize"])
    }

    fn init(config: Config) -> Result<Self, PluginError> {
        Ok({{Struct}} { lowercase: config.lowercase })
    }

    fn execute(&mut self, mut record: Value) -> Result<Value, PluginError> {
        let text = match record.get("text").and_then(Value::as_str) {
            Some(text) => text,
            None => return Err(PluginError::invalid_input("input needs a string field \"text\"")),
        };
        let mut normalized = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if self.lowercase {
            normalized = normalized.to_lowercase();
        }
        record["text"] = Value::String(normalized);
        Ok(record)
    }
}

llmtb_pdk::plugin!({{Struct}});
