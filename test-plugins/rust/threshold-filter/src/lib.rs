//! threshold-filter: an LLM Test Bench filter plugin (plugin ABI v1), on the Rust PDK (pdk/rust).
//!
//! Input `{"text": "...", "scores": {"<evaluator>": <number>, ...}}`, output
//! `{"keep": <bool>, "reason": "..."}`. A record is kept when its scores reach `min_score`:
//! all of them (`"require": "all"`, the default) or at least one (`"require": "any"`).
//! A record without any score is never kept.
//!
//! Config (plugin_init): `{"min_score": 0.5, "require": "all" | "any"}`, both optional.

use llmtb_pdk::{Metadata, Plugin, PluginError, PluginType};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// The plugin
// ---------------------------------------------------------------------------------------------

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

struct ThresholdFilter {
    config: Config,
}

impl Plugin for ThresholdFilter {
    type Config = Config;
    type Input = FilterInput;
    type Output = FilterOutput;

    fn metadata() -> Metadata {
        Metadata::new("threshold-filter", "1.0.0", PluginType::Filter)
            .description("Keeps records whose evaluator scores reach min_score (all of them, or any one)")
            .author("LLM Test Bench")
            .capabilities(&["threshold"])
    }

    fn init(config: Config) -> Result<Self, PluginError> {
        let require = if config.require == Require::All { "all" } else { "any" };
        llmtb_pdk::info!("threshold-filter ready (min_score {}, require {})", config.min_score, require);
        Ok(ThresholdFilter { config })
    }

    fn execute(&mut self, input: FilterInput) -> Result<FilterOutput, PluginError> {
        Ok(decide(&input.scores, self.config))
    }
}

llmtb_pdk::plugin!(ThresholdFilter);

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
