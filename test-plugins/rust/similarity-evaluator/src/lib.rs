//! similarity-evaluator: an LLM Test Bench evaluator plugin (plugin ABI v1), on the Rust PDK
//! (pdk/rust): the `Plugin` implementation first, the evaluator's own logic after it.
//!
//! * With `expected`: scores the token-set F1 between the response (`text`) and the
//!   reference (`expected`), over lowercased alphanumeric words.
//! * Without `expected`: scores sentiment with a tiny word lexicon (1 = positive, 0 = negative).
//!
//! Config (plugin_init): `{"threshold": 0.5}`; `passed` is `score >= threshold`.

use llmtb_pdk::{Metadata, Plugin, PluginError, PluginType};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// The plugin
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Config {
    #[serde(default = "default_threshold")]
    threshold: f64,
}

fn default_threshold() -> f64 {
    0.5
}

struct SimilarityEvaluator {
    threshold: f64,
}

impl Plugin for SimilarityEvaluator {
    type Config = Config;
    type Input = EvalInput;
    type Output = EvalOutput;

    fn metadata() -> Metadata {
        Metadata::new("similarity-evaluator", "1.0.0", PluginType::Evaluator)
            .description("Token-set F1 similarity of a response against a reference answer; a tiny sentiment lexicon when no reference is given")
            .author("LLM Test Bench")
            .capabilities(&["similarity", "sentiment"])
    }

    fn init(config: Config) -> Result<Self, PluginError> {
        if !(0.0..=1.0).contains(&config.threshold) {
            return Err(PluginError::invalid_input(format!("invalid config: threshold {} is not in [0, 1]", config.threshold)));
        }
        llmtb_pdk::info!("similarity-evaluator ready (threshold {})", config.threshold);
        Ok(SimilarityEvaluator { threshold: config.threshold })
    }

    fn execute(&mut self, input: EvalInput) -> Result<EvalOutput, PluginError> {
        Ok(evaluate(&input, self.threshold))
    }
}

llmtb_pdk::plugin!(SimilarityEvaluator);

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
