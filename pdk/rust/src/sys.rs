//! The raw host functions (module `env`) with the signatures of ABI §10, for what the safe wrappers do
//! not cover. Every pointer and length must lie inside the plugin's memory, or the call traps.
//!
//! A plugin imports only the functions it calls: declaring them here imports nothing by itself.
//!
//! Built for another target than wasm32 (`cargo test` on your machine), these are stand-ins in the test
//! process instead, so that plugin code links and runs in unit tests: `host_log` prints to stderr, time is
//! the system clock, random numbers come from a fixed-seed generator, state is a map of the test thread,
//! there is no context, and HTTP requests fail (`-3`). They only serve tests; the real ones are the host's.

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "env")]
extern "C" {
    /// Logs `len` bytes of UTF-8 at `level` (0 trace ... 4 error): 0 logged, 1 dropped (log cap), -2 bad level.
    pub fn host_log(level: i32, ptr: *const u8, len: u32) -> i32;
    /// Milliseconds since the Unix epoch.
    pub fn host_current_time_ms() -> i64;
    /// Uniform in `[0, max)`; -2 when `max <= 0`.
    pub fn host_random(max: i32) -> i32;
    /// 0 stored, -2 invalid key (empty or over 256 bytes), -4 over the state cap.
    pub fn host_set_state(key_ptr: *const u8, key_len: u32, val_ptr: *const u8, val_len: u32) -> i32;
    /// The value's full length (copying at most `val_max` bytes), or -1 when absent.
    pub fn host_get_state(key_ptr: *const u8, key_len: u32, val_ptr: *mut u8, val_max: u32) -> i32;
    /// The context JSON's full length (copying at most `max` bytes), or -1 when there is none.
    pub fn host_get_context(ptr: *mut u8, max: u32) -> i32;
    /// ABI 1.1. The response JSON's full length (copying at most `resp_max` bytes); -2 malformed request;
    /// -3 the request failed.
    #[cfg(feature = "http")]
    pub fn host_http_request(req_ptr: *const u8, req_len: u32, resp_ptr: *mut u8, resp_max: u32) -> i32;
    /// ABI 1.1. Re-reads the JSON of this run's last `host_http_request`; -1 when none.
    #[cfg(feature = "http")]
    pub fn host_http_response(ptr: *mut u8, max: u32) -> i32;
    /// ABI 1.2. Stores `new` under the key if its current value equals `expected` (`expected_len` -1: if
    /// the key is absent), atomically: 0 stored, 1 not stored (the value differs), -2 invalid key, -4 over
    /// the state cap.
    #[cfg(feature = "atomic-state")]
    pub fn host_compare_and_set_state(
        key_ptr: *const u8,
        key_len: u32,
        expected_ptr: *const u8,
        expected_len: i32,
        new_ptr: *const u8,
        new_len: u32,
    ) -> i32;
}

#[cfg(not(target_arch = "wasm32"))]
pub use self::native::*;

/// Stand-ins for unit tests outside wasm (see the module documentation).
#[cfg(not(target_arch = "wasm32"))]
#[allow(missing_docs, clippy::missing_safety_doc)]
mod native {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;

    thread_local! {
        static STATE: RefCell<HashMap<Vec<u8>, Vec<u8>>> = RefCell::new(HashMap::new());
        static SEED: Cell<u64> = Cell::new(0x2545_f491_4f6c_dd1d);
        #[cfg(feature = "http")]
        static HTTP: RefCell<Option<Vec<u8>>> = RefCell::new(None);
    }

    unsafe fn bytes<'a>(ptr: *const u8, len: u32) -> &'a [u8] {
        if len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(ptr, len as usize)
        }
    }

    unsafe fn copy_out(value: &[u8], ptr: *mut u8, max: u32) -> i32 {
        let n = value.len().min(max as usize);
        if n > 0 {
            std::ptr::copy_nonoverlapping(value.as_ptr(), ptr, n);
        }
        value.len() as i32
    }

    pub unsafe fn host_log(level: i32, ptr: *const u8, len: u32) -> i32 {
        let name = match level {
            0 => "TRACE",
            1 => "DEBUG",
            2 => "INFO",
            3 => "WARN",
            4 => "ERROR",
            _ => return -2,
        };
        eprintln!("[{}] {}", name, String::from_utf8_lossy(bytes(ptr, len)));
        0
    }

    pub unsafe fn host_current_time_ms() -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
    }

    pub unsafe fn host_random(max: i32) -> i32 {
        if max <= 0 {
            return -2;
        }
        SEED.with(|s| {
            // xorshift64*
            let mut x = s.get();
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            s.set(x);
            ((x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) % max as u64) as i32
        })
    }

    fn valid_key(key: &[u8]) -> bool {
        !key.is_empty() && key.len() <= 256
    }

    pub unsafe fn host_set_state(key_ptr: *const u8, key_len: u32, val_ptr: *const u8, val_len: u32) -> i32 {
        let key = bytes(key_ptr, key_len);
        if !valid_key(key) {
            return -2;
        }
        let value = bytes(val_ptr, val_len).to_vec();
        STATE.with(|s| s.borrow_mut().insert(key.to_vec(), value));
        0
    }

    pub unsafe fn host_get_state(key_ptr: *const u8, key_len: u32, val_ptr: *mut u8, val_max: u32) -> i32 {
        let key = bytes(key_ptr, key_len);
        match STATE.with(|s| s.borrow().get(key).cloned()) {
            Some(value) => copy_out(&value, val_ptr, val_max),
            None => -1,
        }
    }

    pub unsafe fn host_get_context(_ptr: *mut u8, _max: u32) -> i32 {
        -1
    }

    #[cfg(feature = "http")]
    pub unsafe fn host_http_request(_req_ptr: *const u8, _req_len: u32, _resp_ptr: *mut u8, _resp_max: u32) -> i32 {
        HTTP.with(|h| *h.borrow_mut() = Some(br#"{"error":"no host: HTTP requests need the LLM Test Bench host"}"#.to_vec()));
        -3
    }

    #[cfg(feature = "http")]
    pub unsafe fn host_http_response(ptr: *mut u8, max: u32) -> i32 {
        match HTTP.with(|h| h.borrow().clone()) {
            Some(json) => copy_out(&json, ptr, max),
            None => -1,
        }
    }

    #[cfg(feature = "atomic-state")]
    pub unsafe fn host_compare_and_set_state(
        key_ptr: *const u8,
        key_len: u32,
        expected_ptr: *const u8,
        expected_len: i32,
        new_ptr: *const u8,
        new_len: u32,
    ) -> i32 {
        let key = bytes(key_ptr, key_len);
        if !valid_key(key) {
            return -2;
        }
        let expected = if expected_len < 0 { None } else { Some(bytes(expected_ptr, expected_len as u32)) };
        let new = bytes(new_ptr, new_len).to_vec();
        STATE.with(|s| {
            let mut s = s.borrow_mut();
            if s.get(key).map(|v| v.as_slice()) != expected {
                return 1;
            }
            s.insert(key.to_vec(), new);
            0
        })
    }
}
