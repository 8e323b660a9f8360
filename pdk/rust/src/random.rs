//! `host_random`: random numbers from the host. Reproducible when the host seeds the plugin
//! (`llmtb run --random-seed N`, `LoadOptions.randomSeed`) and executions run in the same order; not
//! for cryptography. A retry of an execution draws new values (ABI §6.4): decide once, keep the result.

/// A uniformly distributed integer in `[0, max)`; `None` when `max` is 0 or above `i32::MAX`.
pub fn below(max: u32) -> Option<u32> {
    if max == 0 || max > i32::MAX as u32 {
        return None;
    }
    let v = unsafe { crate::sys::host_random(max as i32) };
    if v < 0 {
        None
    } else {
        Some(v as u32)
    }
}

/// A uniformly distributed number in `[0, 1)` with 30 random bits.
pub fn unit() -> f64 {
    const RANGE: u32 = 1 << 30;
    below(RANGE).unwrap_or(0) as f64 / RANGE as f64
}
