//! `host_get_context`: the execution context (ABI §12), e.g.
//! `{"execution_id": "...", "plugin": "name@1.0.0", "record_id": "rec-0042"}`. Only during an execution;
//! callers may pass any object or none, so every field is optional.

use serde::Deserialize;

/// The fields LLM Test Bench sets when it runs a pipeline; all optional.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Context {
    /// Unique per execution (the same for both calls of a retry).
    pub execution_id: Option<String>,
    /// `"<name>@<version>"` of the plugin being executed.
    pub plugin: Option<String>,
    /// The dataset record being processed.
    pub record_id: Option<String>,
}

/// The context JSON, or `None` outside `plugin_execute` or when the execution has none.
pub fn raw() -> Option<Vec<u8>> {
    loop {
        let n = unsafe { crate::sys::host_get_context(std::ptr::null_mut(), 0) };
        if n < 0 {
            return None;
        }
        let mut buf = vec![0u8; n as usize];
        let m = unsafe { crate::sys::host_get_context(buf.as_mut_ptr(), buf.len() as u32) };
        if m == n {
            return Some(buf);
        }
    }
}

/// The context as JSON, or `None` when there is none.
pub fn json() -> Option<serde_json::Value> {
    raw().and_then(|b| serde_json::from_slice(&b).ok())
}

/// The known fields of the context (missing ones are `None`), or `None` when there is no context (or a
/// known field has another type than a string).
pub fn get() -> Option<Context> {
    raw().and_then(|b| serde_json::from_slice(&b).ok())
}
