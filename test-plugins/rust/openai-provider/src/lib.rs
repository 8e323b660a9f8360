//! openai-provider: an LLM Test Bench provider plugin (plugin ABI 1.1) that calls an
//! OpenAI-compatible chat-completions endpoint through the host (`host_http_request`), on the Rust PDK
//! (pdk/rust, feature `http`).
//!
//! The plugin never opens a socket itself: the host makes the request, and only if the plugin was
//! granted the network permission and the URL's scheme, host and port are in its `allowedHosts`.
//!
//! Config (plugin_init): `{"base_url": "https://api.openai.com/v1", "model": "gpt-4o-mini",
//! "api_key": "sk-..."}`; `base_url` (http or https) and `model` are required, `api_key` is optional
//! (sent as `Authorization: Bearer ...` when present, never logged).
//!
//! Input (provider contract): `{"prompt", "model"?, "system"?, "max_tokens"?, "temperature"?}`.
//! It sends `POST {base_url}/chat/completions` with `{"model", "messages": [system?, user],
//! "max_tokens"?, "temperature"?}` and returns `{"text", "model", "finish_reason", "usage"}`:
//! `finish_reason` is `"length"` when the server says so and `"stop"` otherwise (the server's own
//! value is kept in `provider_finish_reason`). A non-2xx status, a network failure or a response
//! that is not a chat completion is returned as RESULT_ERROR with a message.
//!
//! Repeatability (ABI §6.4): a completion is not a pure function of the input, and calling the
//! server twice would cost twice. When the output does not fit (RESULT_BUFFER_TOO_SMALL), the PDK
//! keeps the rendered output and the host's retry with the same input gets it without a new request.

use llmtb_pdk::http::Request;
use llmtb_pdk::{Metadata, Plugin, PluginError, PluginType};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------------
// The plugin
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct Config {
    base_url: String,
    model: String,
    api_key: Option<String>,
}

struct OpenAiProvider {
    config: Config,
}

impl Plugin for OpenAiProvider {
    type Config = Config;
    type Input = ProviderInput;
    type Output = ProviderOutput;

    fn metadata() -> Metadata {
        // api_version 1.1: the PDK's `http` feature (host_http_request)
        Metadata::new("openai-provider", "1.0.0", PluginType::Provider)
            .description("Chat completions from an OpenAI-compatible endpoint, through the host's permission-checked host_http_request")
            .author("LLM Test Bench")
            .capabilities(&["completion", "chat", "network"])
    }

    fn init(config: Config) -> Result<Self, PluginError> {
        if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
            return Err(PluginError::invalid_input("invalid config: base_url must start with http:// or https://"));
        }
        if config.model.is_empty() {
            return Err(PluginError::invalid_input("invalid config: model must not be empty"));
        }
        llmtb_pdk::info!("openai-provider ready (model {}, {})", config.model, config.base_url);
        Ok(OpenAiProvider { config })
    }

    fn execute(&mut self, input: ProviderInput) -> Result<ProviderOutput, PluginError> {
        complete(&input, &self.config).map_err(|(code, message)| PluginError::new(code, message))
    }
}

llmtb_pdk::plugin!(OpenAiProvider);

const RESULT_ERROR: i32 = llmtb_pdk::result::ERROR;
const RESULT_INVALID_INPUT: i32 = llmtb_pdk::result::INVALID_INPUT;

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
    #[serde(skip_serializing_if = "Option::is_none")]
    provider_finish_reason: Option<String>,
}

#[derive(Serialize)]
struct Usage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

#[derive(Deserialize)]
struct ChatResponse {
    model: Option<String>,
    choices: Vec<Choice>,
    usage: Option<ChatUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: Option<Message>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    content: Option<String>,
}

#[derive(Deserialize)]
struct ChatUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
}

fn complete(input: &ProviderInput, config: &Config) -> Result<ProviderOutput, (i32, String)> {
    if let Some(t) = input.temperature {
        if t < 0.0 {
            return Err((RESULT_INVALID_INPUT, format!("temperature must be >= 0, got {}", t)));
        }
    }
    if input.max_tokens == Some(0) {
        return Err((RESULT_INVALID_INPUT, "max_tokens must be at least 1".to_string()));
    }
    let model = input.model.clone().unwrap_or_else(|| config.model.clone());
    let mut messages = Vec::new();
    if let Some(system) = &input.system {
        messages.push(json!({"role": "system", "content": system}));
    }
    messages.push(json!({"role": "user", "content": input.prompt}));
    let mut body = json!({"model": model, "messages": messages});
    if let Some(max_tokens) = input.max_tokens {
        body["max_tokens"] = json!(max_tokens);
    }
    if let Some(temperature) = input.temperature {
        body["temperature"] = json!(temperature);
    }
    let mut headers = json!({"content-type": "application/json", "accept": "application/json"});
    if let Some(key) = &config.api_key {
        headers["authorization"] = json!(format!("Bearer {}", key));
    }
    let url = format!("{}/chat/completions", config.base_url.trim_end_matches('/'));
    let mut request = Request::post(&url, body.to_string());
    if let Value::Object(headers) = headers {
        for (name, value) in headers {
            request = request.header(&name, value.as_str().unwrap_or_default());
        }
    }

    let response = request.send().map_err(|e| (RESULT_ERROR, format!("{}: {}", url, e)))?;
    if !(200..300).contains(&response.status) {
        return Err((RESULT_ERROR, format!("{} returned HTTP {}: {}", url, response.status, error_detail(&response.body))));
    }
    let chat: ChatResponse = serde_json::from_str(&response.body)
        .map_err(|e| (RESULT_ERROR, format!("{} returned no chat completion: {}", url, e)))?;
    let choice = chat
        .choices
        .into_iter()
        .next()
        .ok_or_else(|| (RESULT_ERROR, format!("{} returned no choices", url)))?;
    let text = choice.message.and_then(|m| m.content).unwrap_or_default();
    let finish_reason = if choice.finish_reason.as_deref() == Some("length") { "length" } else { "stop" };
    let provider_finish_reason = match choice.finish_reason {
        Some(reason) if reason != finish_reason => Some(reason),
        _ => None,
    };
    let usage = chat.usage.map_or(Usage { prompt_tokens: 0, completion_tokens: 0 }, |u| Usage {
        prompt_tokens: u.prompt_tokens.unwrap_or(0),
        completion_tokens: u.completion_tokens.unwrap_or(0),
    });
    Ok(ProviderOutput {
        text,
        model: chat.model.unwrap_or(model),
        finish_reason,
        usage,
        provider_finish_reason,
    })
}

/// The server's error message (`{"error": {"message": ...}}`), else the start of the body.
fn error_detail(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    if let Some(message) = parsed.as_ref().and_then(|v| v.pointer("/error/message")).and_then(Value::as_str) {
        return message.to_string();
    }
    let mut end = body.len().min(200);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    body[..end].to_string()
}
