//! {{name}}: an LLM Test Bench filter plugin, on the Rust PDK (llmtb-pdk/).
//!
//! Input `{"text": "...", "scores": {"<evaluator>": 0..1, ...}, <other record fields>}`; output
//! `{"keep": bool, "reason": "..."}`. This one keeps a record when every score reaches `min_score`.
//! Config: `{"min_score": 0.5}`.

use llmtb_pdk::{Metadata, Plugin, PluginError, PluginType};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Config {
    #[serde(default = "default_min_score")]
    min_score: f64,
}

fn default_min_score() -> f64 {
    0.5
}

/// The input. Unknown fields (the rest of the record) are ignored.
#[derive(Deserialize)]
struct Input {
    scores: BTreeMap<String, f64>,
}

#[derive(Serialize)]
struct Output {
    keep: bool,
    reason: String,
}

struct {{Struct}} {
    min_score: f64,
}

impl Plugin for {{Struct}} {
    type Config = Config;
    type Input = Input;
    type Output = Output;

    fn metadata() -> Metadata {
        Metadata::new("{{name}}", "0.1.0", PluginType::Filter)
            .description("Keeps records whose scores all reach min_score")
            .capabilities(&["threshold"])
    }

    fn init(config: Config) -> Result<Self, PluginError> {
        if !(0.0..=1.0).contains(&config.min_score) {
            return Err(PluginError::invalid_input(format!("invalid config: min_score {} is not in [0, 1]", config.min_score)));
        }
        Ok({{Struct}} { min_score: config.min_score })
    }

    fn execute(&mut self, input: Input) -> Result<Output, PluginError> {
        if input.scores.is_empty() {
            return Ok(Output { keep: false, reason: "no scores to judge".to_string() });
        }
        let below: Vec<String> = input
            .scores
            .iter()
            .filter(|(_, &score)| score < self.min_score)
            .map(|(name, score)| format!("{}={}", name, score))
            .collect();
        Ok(if below.is_empty() {
            Output { keep: true, reason: format!("all scores >= {}", self.min_score) }
        } else {
            Output { keep: false, reason: format!("below {}: {}", self.min_score, below.join(", ")) }
        })
    }
}

llmtb_pdk::plugin!({{Struct}});
