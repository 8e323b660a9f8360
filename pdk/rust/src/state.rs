//! Plugin state (ABI §11): a key-value map kept by the host for the loaded plugin, shared by all its
//! instances, surviving instance recycling, isolated from other plugins, not persisted. Keys are 1 to 256
//! bytes; keys and values together are capped (1 MiB by default).
//!
//! Each call is atomic, but a read followed by a write is not: two instances running at once can both read
//! 41 and both write 42, and one update is lost. For read-modify-write use [`increment`], [`update`] or
//! [`compare_and_set`] (feature `atomic-state`, plugin ABI 1.2), which retry until no other instance wrote
//! in between.

use std::fmt;

/// Why the host refused a state write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateError {
    /// The key is empty or longer than 256 bytes.
    InvalidKey,
    /// The plugin's state would exceed its cap (1 MiB of keys and values by default); nothing changed.
    CapExceeded,
    /// The stored value is not what [`increment`] expects (a decimal integer).
    NotANumber,
    /// A result code this version of the PDK does not know.
    Unexpected(i32),
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::InvalidKey => write!(f, "state key must be 1 to 256 bytes"),
            StateError::CapExceeded => write!(f, "plugin state cap exceeded"),
            StateError::NotANumber => write!(f, "state value is not a decimal integer"),
            StateError::Unexpected(code) => write!(f, "unexpected host result {}", code),
        }
    }
}

impl std::error::Error for StateError {}

impl From<StateError> for crate::PluginError {
    fn from(e: StateError) -> crate::PluginError {
        crate::PluginError::error(e.to_string())
    }
}

fn code(result: i32) -> Result<(), StateError> {
    match result {
        0 => Ok(()),
        -2 => Err(StateError::InvalidKey),
        -4 => Err(StateError::CapExceeded),
        other => Err(StateError::Unexpected(other)),
    }
}

/// The value stored under `key`, or `None` when it is absent (an empty value is present).
pub fn get(key: impl AsRef<[u8]>) -> Option<Vec<u8>> {
    let key = key.as_ref();
    loop {
        let n = unsafe { crate::sys::host_get_state(key.as_ptr(), key.len() as u32, std::ptr::null_mut(), 0) };
        if n < 0 {
            return None;
        }
        let mut value = vec![0u8; n as usize];
        let m = unsafe { crate::sys::host_get_state(key.as_ptr(), key.len() as u32, value.as_mut_ptr(), value.len() as u32) };
        if m == n {
            return Some(value);
        }
        // another instance changed the value in between: read it again
    }
}

/// The value under `key` as UTF-8 text (invalid bytes replaced), or `None` when it is absent.
pub fn get_string(key: impl AsRef<[u8]>) -> Option<String> {
    get(key).map(|v| String::from_utf8_lossy(&v).into_owned())
}

/// The value under `key` parsed as JSON: `None` when absent, `Some(Err)` when it does not parse.
pub fn get_json<T: serde::de::DeserializeOwned>(key: impl AsRef<[u8]>) -> Option<Result<T, serde_json::Error>> {
    get(key).map(|v| serde_json::from_slice(&v))
}

/// Stores `value` under `key`, replacing any previous value.
pub fn set(key: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Result<(), StateError> {
    let (key, value) = (key.as_ref(), value.as_ref());
    code(unsafe { crate::sys::host_set_state(key.as_ptr(), key.len() as u32, value.as_ptr(), value.len() as u32) })
}

/// Stores `value` as JSON under `key`.
pub fn set_json<T: serde::Serialize + ?Sized>(key: impl AsRef<[u8]>, value: &T) -> Result<(), StateError> {
    let json = serde_json::to_vec(value).map_err(|_| StateError::Unexpected(-1))?;
    set(key, json)
}

/// Atomically: if the value under `key` is `expected` (`None`: if the key is absent), stores `new` and
/// returns `Ok(true)`; otherwise changes nothing and returns `Ok(false)`. Needs plugin ABI 1.2.
#[cfg(feature = "atomic-state")]
pub fn compare_and_set(key: impl AsRef<[u8]>, expected: Option<&[u8]>, new: impl AsRef<[u8]>) -> Result<bool, StateError> {
    let (key, new) = (key.as_ref(), new.as_ref());
    let (expected_ptr, expected_len) = match expected {
        Some(e) => (e.as_ptr(), e.len() as i32),
        None => (std::ptr::null(), -1),
    };
    let r = unsafe {
        crate::sys::host_compare_and_set_state(key.as_ptr(), key.len() as u32, expected_ptr, expected_len, new.as_ptr(), new.len() as u32)
    };
    match r {
        0 => Ok(true),
        1 => Ok(false),
        other => code(other).map(|_| false),
    }
}

/// Atomically replaces the value under `key` with `f(current)` (`None` when absent), retrying when
/// another instance wrote in between (so `f` may run more than once: keep it free of side effects).
/// Returns the value stored. Needs plugin ABI 1.2.
#[cfg(feature = "atomic-state")]
pub fn update<F>(key: impl AsRef<[u8]>, mut f: F) -> Result<Vec<u8>, StateError>
where
    F: FnMut(Option<&[u8]>) -> Vec<u8>,
{
    let key = key.as_ref();
    loop {
        let current = get(key);
        let next = f(current.as_deref());
        if compare_and_set(key, current.as_deref(), &next)? {
            return Ok(next);
        }
    }
}

/// Atomically adds `delta` to the counter under `key` (a decimal integer as text, so
/// [`get_string`] reads it; absent counts as 0) and returns the new value. Needs plugin ABI 1.2.
#[cfg(feature = "atomic-state")]
pub fn increment(key: impl AsRef<[u8]>, delta: i64) -> Result<i64, StateError> {
    let key = key.as_ref();
    loop {
        let current = get(key);
        let value = match &current {
            None => 0,
            Some(bytes) => std::str::from_utf8(bytes)
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .ok_or(StateError::NotANumber)?,
        };
        let next = value.wrapping_add(delta);
        if compare_and_set(key, current.as_deref(), next.to_string())? {
            return Ok(next);
        }
    }
}
