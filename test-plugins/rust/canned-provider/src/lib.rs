//! canned-provider: an LLM Test Bench provider plugin (plugin ABI v1) that never calls a model, on the
//! Rust PDK (pdk/rust).
//!
//! It answers every prompt with a deterministic canned completion, so tests and benchmarks
//! get stable provider output:
//! * a prompt starting with `echo:` is answered with the rest of the prompt, trimmed;
//! * any other prompt picks one answer from a table by the FNV-1a hash of the prompt's bytes.
//!
//! `max_tokens` truncates the answer to that many words (`finish_reason` becomes `"length"`).
//! `temperature` is accepted (it must be >= 0) and ignored: the output is always the same.
//! Token counts are whitespace-separated words: `prompt_tokens` counts `system` + `prompt`.
//!
//! Config (plugin_init): `{"model": "canned-1", "answers": ["...", ...]}`, both optional.
//! `model` is reported when the input names none; `answers` replaces the built-in table.

use llmtb_pdk::{Metadata, Plugin, PluginError, PluginType};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// The plugin
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Config {
    #[serde(default = "default_model")]
    model: String,
    answers: Option<Vec<String>>,
}

fn default_model() -> String {
    "canned-1".to_string()
}

struct CannedProvider {
    config: Config,
}

impl Plugin for CannedProvider {
    type Config = Config;
    type Input = ProviderInput;
    type Output = ProviderOutput;

    fn metadata() -> Metadata {
        Metadata::new("canned-provider", "1.0.0", PluginType::Provider)
            .description("Deterministic canned completions (no model is called): echo: prompts are echoed, others pick an answer by prompt hash")
            .author("LLM Test Bench")
            .capabilities(&["completion", "deterministic"])
    }

    fn init(config: Config) -> Result<Self, PluginError> {
        if config.model.is_empty() {
            return Err(PluginError::invalid_input("invalid config: model must not be empty"));
        }
        if matches!(&config.answers, Some(answers) if answers.is_empty()) {
            return Err(PluginError::invalid_input("invalid config: answers must not be empty"));
        }
        llmtb_pdk::info!("canned-provider ready (model {})", config.model);
        Ok(CannedProvider { config })
    }

    fn execute(&mut self, input: ProviderInput) -> Result<ProviderOutput, PluginError> {
        complete(&input, &self.config).map_err(PluginError::invalid_input)
    }
}

llmtb_pdk::plugin!(CannedProvider);

// ---------------------------------------------------------------------------------------------
// The provider
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct ProviderInput {
    prompt: String,
    model: Option<String>,
    system: Option<String>,
    max_tokens: Option<u64>,
    temperature: Option<f64>,
}

#[derive(Serialize)]
struct ProviderOutput {
    text: String,
    model: String,
    finish_reason: &'static str,
    usage: Usage,
}

#[derive(Serialize)]
struct Usage {
    prompt_tokens: usize,
    completion_tokens: usize,
}

const ANSWERS: &[&str] = &[
    "The answer is 42.",
    "Paris is the capital of France.",
    "I am a canned response from a deterministic test provider.",
    "Water boils at 100 degrees Celsius at sea level.",
    "The quick brown fox jumps over the lazy dog.",
    "Yes, that is correct and the result looks good.",
    "No, that is wrong; please check the input again.",
    "Here is a short summary: the text describes a simple test case.",
];

/// 32-bit FNV-1a: tiny, and the same on every platform.
fn fnv1a(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for &b in bytes {
        hash ^= b as u32;
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

fn complete(input: &ProviderInput, config: &Config) -> Result<ProviderOutput, String> {
    if let Some(t) = input.temperature {
        if t < 0.0 {
            return Err(format!("temperature must be >= 0, got {}", t));
        }
    }
    if input.max_tokens == Some(0) {
        return Err("max_tokens must be at least 1".to_string());
    }
    let answer: String = match input.prompt.strip_prefix("echo:") {
        Some(rest) => rest.trim().to_string(),
        None => {
            let hash = fnv1a(input.prompt.as_bytes()) as usize;
            match &config.answers {
                Some(answers) => answers[hash % answers.len()].clone(),
                None => ANSWERS[hash % ANSWERS.len()].to_string(),
            }
        }
    };
    let words: Vec<&str> = answer.split_whitespace().collect();
    let (text, finish_reason) = match input.max_tokens {
        Some(max) if (words.len() as u64) > max => (words[..max as usize].join(" "), "length"),
        _ => (answer.clone(), "stop"),
    };
    let prompt_tokens = input.prompt.split_whitespace().count()
        + input.system.as_deref().map_or(0, |s| s.split_whitespace().count());
    let completion_tokens = text.split_whitespace().count();
    Ok(ProviderOutput {
        text,
        model: input.model.clone().unwrap_or_else(|| config.model.clone()),
        finish_reason,
        usage: Usage { prompt_tokens, completion_tokens },
    })
}
