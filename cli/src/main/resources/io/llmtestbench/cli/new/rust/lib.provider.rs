//! {{name}}: an LLM Test Bench provider plugin, on the Rust PDK (llmtb-pdk/).
//!
//! Input `{"prompt": "...", "model"?, "system"?, "max_tokens"?, "temperature"?}`; output
//! `{"text", "model", "finish_reason": "stop" | "length", "usage": {"prompt_tokens", "completion_tokens"}}`.
//! This one answers without a model: it echoes the prompt. To call a real model, enable the PDK's "http"
//! feature in Cargo.toml and send the request with `llmtb_pdk::http::Request` (the host sends it only to
//! the hosts `llmtb run --allow-host` grants). Config: `{"model": "{{name}}-1"}`.

use llmtb_pdk::{Metadata, Plugin, PluginError, PluginType};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Config {
    #[serde(default = "default_model")]
    model: String,
}

fn default_model() -> String {
    "{{name}}-1".to_string()
}

/// The input. Unknown fields are ignored.
#[derive(Deserialize)]
struct Input {
    prompt: String,
    model: Option<String>,
    system: Option<String>,
    max_tokens: Option<u64>,
}

#[derive(Serialize)]
struct Output {
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

struct {{Struct}} {
    model: String,
}

impl Plugin for {{Struct}} {
    type Config = Config;
    type Input = Input;
    type Output = Output;

    fn metadata() -> Metadata {
        Metadata::new("{{name}}", "0.1.0", PluginType::Provider)
            .description("Answers every prompt by echoing it (a template: call your model here)")
            .capabilities(&["completion"])
    }

    fn init(config: Config) -> Result<Self, PluginError> {
        if config.model.is_empty() {
            return Err(PluginError::invalid_input("invalid config: model must not be empty"));
        }
        Ok({{Struct}} { model: config.model })
    }

    fn execute(&mut self, input: Input) -> Result<Output, PluginError> {
        if input.max_tokens == Some(0) {
            return Err(PluginError::invalid_input("max_tokens must be at least 1"));
        }
        let answer = format!("You said: {}", input.prompt);
        let words: Vec<&str> = answer.split_whitespace().collect();
        let (text, finish_reason) = match input.max_tokens {
            Some(max) if words.len() as u64 > max => (words[..max as usize].join(" "), "length"),
            _ => (answer.clone(), "stop"),
        };
        let prompt_tokens = input.prompt.split_whitespace().count()
            + input.system.as_deref().map_or(0, |s| s.split_whitespace().count());
        let completion_tokens = text.split_whitespace().count();
        Ok(Output {
            text,
            model: input.model.unwrap_or_else(|| self.model.clone()),
            finish_reason,
            usage: Usage { prompt_tokens, completion_tokens },
        })
    }
}

llmtb_pdk::plugin!({{Struct}});
