//! {{name}}: an LLM Test Bench evaluator plugin, on the Rust PDK (llmtb-pdk/).
//!
//! Input `{"text": "<model response>", "expected": "<reference answer>", "prompt"?: "..."}`; output
//! `{"score": 0..1, "passed": bool, "label": "..."}`. This one scores 1 when the response contains the
//! reference answer. Config: `{"case_sensitive": false}`.

use llmtb_pdk::{Metadata, Plugin, PluginError, PluginType};
use serde::{Deserialize, Serialize};

/// The configuration (`--config` of `llmtb run`): every field optional.
#[derive(Deserialize)]
struct Config {
    #[serde(default)]
    case_sensitive: bool,
}

/// The input. Unknown fields (such as `prompt`) are ignored.
#[derive(Deserialize)]
struct Input {
    text: String,
    expected: Option<String>,
}

#[derive(Serialize)]
struct Output {
    score: f64,
    passed: bool,
    label: &'static str,
}

struct {{Struct}} {
    case_sensitive: bool,
}

impl Plugin for {{Struct}} {
    type Config = Config;
    type Input = Input;
    type Output = Output;

    fn metadata() -> Metadata {
        Metadata::new("{{name}}", "0.1.0", PluginType::Evaluator)
            .description("Scores 1 when the response contains the expected answer")
            .capabilities(&["reference-match"])
    }

    fn init(config: Config) -> Result<Self, PluginError> {
        llmtb_pdk::debug!("{{name}} ready (case_sensitive {})", config.case_sensitive);
        Ok({{Struct}} { case_sensitive: config.case_sensitive })
    }

    fn execute(&mut self, input: Input) -> Result<Output, PluginError> {
        let expected = input.expected.ok_or_else(|| PluginError::invalid_input("input needs \"expected\", the reference answer"))?;
        let found = if self.case_sensitive {
            input.text.contains(&expected)
        } else {
            input.text.to_lowercase().contains(&expected.to_lowercase())
        };
        Ok(Output {
            score: if found { 1.0 } else { 0.0 },
            passed: found,
            label: if found { "match" } else { "no_match" },
        })
    }
}

llmtb_pdk::plugin!({{Struct}});
