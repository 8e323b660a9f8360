//! What [`plugin!`](crate::plugin) expands to calls: the ABI exports' bodies. Not a public API.

use crate::{result, Plugin, PluginError};
use std::alloc::{alloc as std_alloc, dealloc, Layout};
use std::cell::RefCell;
use std::thread::LocalKey;

/// The instance's plugin value, set by `plugin_init`.
pub type Slot<P> = RefCell<Option<P>>;

thread_local! {
    /// (input, rendered output) of an execution that returned RESULT_BUFFER_TOO_SMALL: the host's retry
    /// comes next, on this instance, with the same input, and gets this output (ABI §6.3, §6.4).
    static PENDING: RefCell<Option<(Vec<u8>, Vec<u8>)>> = RefCell::new(None);
}

const ALIGN: usize = 8;

/// `plugin_alloc`: `size` bytes aligned to 8, or null (0) when they cannot be had.
pub fn alloc(size: i32) -> *mut u8 {
    if size < 0 {
        return std::ptr::null_mut();
    }
    // A zero-sized Layout may not be passed to the allocator: allocate at least one byte.
    match Layout::from_size_align(size.max(1) as usize, ALIGN) {
        Ok(layout) => unsafe { std_alloc(layout) },
        Err(_) => std::ptr::null_mut(),
    }
}

/// `plugin_free`: the host passes the size it allocated, which rebuilds the same layout.
///
/// # Safety
/// `ptr` comes from [`alloc`] with the same `size`.
pub unsafe fn free(ptr: *mut u8, size: i32) {
    if ptr.is_null() || size < 0 {
        return;
    }
    dealloc(ptr, Layout::from_size_align_unchecked(size.max(1) as usize, ALIGN));
}

/// Copies `bytes` to the output buffer, or asks for a larger one: the cell holds the capacity on entry
/// (it may be unaligned) and receives the length written or needed.
///
/// # Safety
/// `out_ptr` and `out_len_ptr` are the host's buffer and cell.
pub unsafe fn write_output(bytes: &[u8], out_ptr: *mut u8, out_len_ptr: *mut u32) -> i32 {
    let capacity = out_len_ptr.read_unaligned() as usize;
    out_len_ptr.write_unaligned(bytes.len() as u32);
    if bytes.len() > capacity {
        return result::BUFFER_TOO_SMALL; // the host retries once with a buffer of bytes.len()
    }
    std::ptr::copy_nonoverlapping(bytes.as_ptr(), out_ptr, bytes.len());
    result::OK
}

/// Puts an error message in the output buffer (cut below the capacity at a character boundary, and at a
/// NUL, which the host would stop at) and returns the code. An empty message stores 0: "no message".
///
/// # Safety
/// `out_ptr` and `out_len_ptr` are the host's buffer and cell.
pub unsafe fn write_error(error: &PluginError, out_ptr: *mut u8, out_len_ptr: *mut u32) -> i32 {
    let message = error.message();
    let message = match message.find('\0') {
        Some(nul) => &message[..nul],
        None => message,
    };
    // the host takes a length of `capacity` or more as "no message" (a cell never written): stay below it
    let capacity = out_len_ptr.read_unaligned() as usize;
    let mut n = message.len().min(capacity.saturating_sub(1));
    while !message.is_char_boundary(n) {
        n -= 1; // never cut a UTF-8 sequence in half
    }
    std::ptr::copy_nonoverlapping(message.as_ptr(), out_ptr, n);
    out_len_ptr.write_unaligned(n as u32);
    error.code()
}

/// `plugin_metadata`.
///
/// # Safety
/// Called by the host with its buffer and cell.
pub unsafe fn metadata<P: Plugin>(out_ptr: *mut u8, out_len_ptr: *mut u32) -> i32 {
    write_output(P::metadata().to_json().as_bytes(), out_ptr, out_len_ptr)
}

/// `plugin_init`: panic hook, configuration, `P::init`. Failures are logged at error level: `plugin_init`
/// has no output buffer, and the host shows the last error line in the load failure.
///
/// # Safety
/// Called by the host with the configuration buffer.
pub unsafe fn init<P: Plugin>(slot: &'static LocalKey<Slot<P>>, config_ptr: *const u8, config_len: usize) -> i32 {
    // With panic = "abort" a panic traps without a message: log it first.
    std::panic::set_hook(Box::new(|info| crate::log::error(&info.to_string())));
    // Initialise the retry slot now, so that the first execution costs the same fuel as the others.
    PENDING.with(|p| p.borrow_mut().take());
    let bytes = std::slice::from_raw_parts(config_ptr, config_len);
    match make::<P>(bytes) {
        Ok(plugin) => {
            slot.with(|s| *s.borrow_mut() = Some(plugin));
            result::OK
        }
        Err(e) => {
            crate::log::error(e.message());
            e.code()
        }
    }
}

/// The configuration parsed and `P::init` called: what `plugin_init` does, without the ABI.
pub fn make<P: Plugin>(config: &[u8]) -> Result<P, PluginError> {
    let config: P::Config =
        serde_json::from_slice(config).map_err(|e| PluginError::invalid_input(format!("invalid config: {}", e)))?;
    P::init(config)
}

/// The input parsed, `P::execute` called and its output serialized: what `plugin_execute` does, without the
/// ABI.
pub fn run<P: Plugin>(plugin: &mut P, input: &[u8]) -> Result<Vec<u8>, PluginError> {
    let input: P::Input = serde_json::from_slice(input).map_err(|e| {
        PluginError::invalid_input(format!("invalid {} input: {}", P::metadata().plugin_type.json_name(), e))
    })?;
    let output = plugin.execute(input)?;
    serde_json::to_vec(&output).map_err(|e| PluginError::error(format!("cannot serialise output: {}", e)))
}

/// `plugin_execute`: the retry's kept output, or input, `P::execute`, output. An input that does not
/// parse is `RESULT_INVALID_INPUT` with `invalid <plugin_type> input: <serde's message>`.
///
/// # Safety
/// Called by the host with its buffers and cell.
pub unsafe fn execute<P: Plugin>(
    slot: &'static LocalKey<Slot<P>>,
    in_ptr: *const u8,
    in_len: usize,
    out_ptr: *mut u8,
    out_len_ptr: *mut u32,
) -> i32 {
    let input = std::slice::from_raw_parts(in_ptr, in_len);
    if let Some((kept_input, output)) = PENDING.with(|p| p.borrow_mut().take()) {
        if kept_input == input {
            return write_output(&output, out_ptr, out_len_ptr);
        }
    }
    let rendered = slot.with(|s| match s.borrow_mut().as_mut() {
        None => Err(PluginError::error("plugin_init has not run")),
        Some(plugin) => run(plugin, input),
    });
    match rendered {
        Ok(json) => {
            let code = write_output(&json, out_ptr, out_len_ptr);
            if code == result::BUFFER_TOO_SMALL {
                PENDING.with(|p| *p.borrow_mut() = Some((input.to_vec(), json)));
            }
            code
        }
        Err(e) => write_error(&e, out_ptr, out_len_ptr),
    }
}

/// `plugin_shutdown`.
pub fn shutdown<P: Plugin>(slot: &'static LocalKey<Slot<P>>) -> i32 {
    if let Some(mut plugin) = slot.with(|s| s.borrow_mut().take()) {
        plugin.shutdown();
    }
    result::OK
}
