//! `host_current_time_ms`: the host's wall clock.

/// Milliseconds since the Unix epoch (1970-01-01T00:00:00Z): wall-clock time, not monotonic.
pub fn now_ms() -> i64 {
    unsafe { crate::sys::host_current_time_ms() }
}
