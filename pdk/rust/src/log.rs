//! `host_log`: text for the plugin's logger on the host, `llmtb.plugin.<name>`.
//!
//! Levels map to SLF4J's (trace, debug, info, warn, error); whether a line is shown depends on the host's
//! logging configuration (`llmtb run --log-level debug`, or the SLF4J provider's settings). Each execution
//! may log 64 KiB of text by default; beyond that lines are dropped ([`log`] returns false).
//!
//! ```ignore
//! llmtb_pdk::info!("ready (threshold {})", threshold);
//! llmtb_pdk::log::warn("no expected answer given");
//! ```

/// A log level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// SLF4J TRACE.
    Trace = 0,
    /// SLF4J DEBUG.
    Debug = 1,
    /// SLF4J INFO.
    Info = 2,
    /// SLF4J WARN.
    Warn = 3,
    /// SLF4J ERROR. The host shows the last error line of a failed `plugin_init` in the load failure.
    Error = 4,
}

/// Logs `message`; false when it was dropped because this execution reached its log cap.
pub fn log(level: Level, message: &str) -> bool {
    unsafe { crate::sys::host_log(level as i32, message.as_ptr(), message.len() as u32) == 0 }
}

/// Logs at trace level.
pub fn trace(message: &str) {
    log(Level::Trace, message);
}

/// Logs at debug level.
pub fn debug(message: &str) {
    log(Level::Debug, message);
}

/// Logs at info level.
pub fn info(message: &str) {
    log(Level::Info, message);
}

/// Logs at warn level.
pub fn warn(message: &str) {
    log(Level::Warn, message);
}

/// Logs at error level.
pub fn error(message: &str) {
    log(Level::Error, message);
}

/// `trace!("...", args)`: formats and logs at trace level.
#[macro_export]
macro_rules! trace {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Trace, &::std::format!($($arg)*)) };
}

/// `debug!("...", args)`: formats and logs at debug level.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Debug, &::std::format!($($arg)*)) };
}

/// `info!("...", args)`: formats and logs at info level.
#[macro_export]
macro_rules! info {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Info, &::std::format!($($arg)*)) };
}

/// `warn!("...", args)`: formats and logs at warn level.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Warn, &::std::format!($($arg)*)) };
}

/// `error!("...", args)`: formats and logs at error level.
#[macro_export]
macro_rules! error {
    ($($arg:tt)*) => { $crate::log::log($crate::log::Level::Error, &::std::format!($($arg)*)) };
}
