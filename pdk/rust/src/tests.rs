//! Unit tests of the PDK's glue on the build machine (`cargo test --target <host triple>`): the exports the
//! macro emits, called the way the host calls them, against the stand-in host functions of `sys`.

use crate::{Metadata, Plugin, PluginError, PluginType};
use serde::{Deserialize, Serialize};
use std::cell::Cell;

#[derive(Deserialize)]
struct Config {
    #[serde(default)]
    fail: bool,
    #[serde(default)]
    repeat: usize,
}

#[derive(Deserialize)]
struct Input {
    text: String,
}

#[derive(Serialize)]
struct Output {
    text: String,
}

thread_local! {
    static EXECUTIONS: Cell<usize> = Cell::new(0);
}

struct Repeat {
    repeat: usize,
}

impl Plugin for Repeat {
    type Config = Config;
    type Input = Input;
    type Output = Output;

    fn metadata() -> Metadata {
        Metadata::new("repeat", "1.0.0", PluginType::Transform).description("a \"quoted\" description").capabilities(&["test"])
    }

    fn init(config: Config) -> Result<Self, PluginError> {
        if config.fail {
            return Err(PluginError::invalid_input("invalid config: fail is set"));
        }
        Ok(Repeat { repeat: config.repeat.max(1) })
    }

    fn execute(&mut self, input: Input) -> Result<Output, PluginError> {
        EXECUTIONS.with(|e| e.set(e.get() + 1));
        if input.text == "boom" {
            return Err(PluginError::error("it went bo\u{e9}om\0and more"));
        }
        Ok(Output { text: input.text.repeat(self.repeat) })
    }
}

crate::plugin!(Repeat);

/// An output buffer and an unaligned length cell holding `capacity`, as the host sets them up.
struct Buffers {
    out: Vec<u8>,
    cell: [u8; 8],
}

impl Buffers {
    fn new(capacity: usize) -> Buffers {
        let mut b = Buffers { out: vec![0xAA; capacity], cell: [0; 8] };
        b.cell[1..5].copy_from_slice(&(capacity as u32).to_le_bytes());
        b
    }

    fn cell_ptr(&mut self) -> *mut u32 {
        unsafe { self.cell.as_mut_ptr().add(1) as *mut u32 }
    }

    fn len(&self) -> usize {
        u32::from_le_bytes([self.cell[1], self.cell[2], self.cell[3], self.cell[4]]) as usize
    }

    fn text(&self) -> String {
        String::from_utf8(self.out[..self.len()].to_vec()).unwrap()
    }
}

fn init(config: &str) -> i32 {
    unsafe { plugin_init(config.as_ptr(), config.len()) }
}

fn execute(input: &str, b: &mut Buffers) -> i32 {
    let cell = b.cell_ptr();
    unsafe { plugin_execute(input.as_ptr(), input.len(), b.out.as_mut_ptr(), cell) }
}

#[test]
fn metadata_is_json_with_the_api_version_of_the_features() {
    let mut b = Buffers::new(1024);
    let cell = b.cell_ptr();
    assert_eq!(unsafe { plugin_metadata(b.out.as_mut_ptr(), cell) }, 0);
    let m: serde_json::Value = serde_json::from_str(&b.text()).unwrap();
    assert_eq!(m["name"], "repeat");
    assert_eq!(m["plugin_type"], "transform");
    assert_eq!(m["description"], "a \"quoted\" description");
    assert_eq!(m["capabilities"], serde_json::json!(["test"]));
    assert_eq!(m["api_version"], crate::API_VERSION);
    assert_eq!(crate::testing::metadata::<Repeat>()["version"], "1.0.0");
}

#[test]
fn executes_and_writes_the_output() {
    assert_eq!(init(r#"{"repeat": 2}"#), 0);
    let mut b = Buffers::new(64);
    assert_eq!(execute(r#"{"text": "ab", "other": 1}"#, &mut b), 0);
    assert_eq!(b.text(), r#"{"text":"abab"}"#);
}

#[test]
fn a_large_output_asks_for_a_retry_that_does_not_execute_again() {
    assert_eq!(init(r#"{"repeat": 100}"#), 0);
    EXECUTIONS.with(|e| e.set(0));
    let input = r#"{"text": "0123456789"}"#;
    let mut small = Buffers::new(16);
    assert_eq!(execute(input, &mut small), crate::result::BUFFER_TOO_SMALL);
    assert_eq!(small.len(), 1011);
    let mut retry = Buffers::new(1011);
    assert_eq!(execute(input, &mut retry), 0);
    assert_eq!(retry.len(), 1011);
    assert!(retry.text().starts_with(r#"{"text":"01234567890123"#));
    assert_eq!(EXECUTIONS.with(|e| e.get()), 1, "the retry is answered from the kept output");
    // the next execution with the same input runs again
    let mut next = Buffers::new(2048);
    assert_eq!(execute(input, &mut next), 0);
    assert_eq!(EXECUTIONS.with(|e| e.get()), 2);
}

#[test]
fn a_kept_output_is_not_used_for_another_input() {
    assert_eq!(init(r#"{"repeat": 100}"#), 0);
    let mut small = Buffers::new(16);
    assert_eq!(execute(r#"{"text": "0123456789"}"#, &mut small), crate::result::BUFFER_TOO_SMALL);
    let mut other = Buffers::new(4096);
    assert_eq!(execute(r#"{"text": "x"}"#, &mut other), 0);
    assert_eq!(other.text(), format!(r#"{{"text":"{}"}}"#, "x".repeat(100)));
}

#[test]
fn bad_input_is_invalid_input_with_serdes_message() {
    assert_eq!(init("{}"), 0);
    let mut b = Buffers::new(256);
    assert_eq!(execute(r#"{"txt": 1}"#, &mut b), crate::result::INVALID_INPUT);
    assert_eq!(b.text(), "invalid transform input: missing field `text` at line 1 column 10");
}

#[test]
fn an_error_message_stops_at_a_nul_and_is_cut_at_a_character_boundary() {
    assert_eq!(init("{}"), 0);
    let mut b = Buffers::new(256);
    assert_eq!(execute(r#"{"text": "boom"}"#, &mut b), crate::result::ERROR);
    assert_eq!(b.text(), "it went bo\u{e9}om");
    let mut tiny = Buffers::new(12); // below the capacity: "it went bo" + the first byte of é
    assert_eq!(execute(r#"{"text": "boom"}"#, &mut tiny), crate::result::ERROR);
    assert_eq!(tiny.text(), "it went bo");
}

#[test]
fn an_error_message_stays_below_the_capacity() {
    // a length of capacity or more means "no message" to the host
    assert_eq!(init("{}"), 0);
    let mut b = Buffers::new(5);
    assert_eq!(execute(r#"{"text": "boom"}"#, &mut b), crate::result::ERROR);
    assert_eq!(b.text(), "it w");
}

#[test]
fn a_failing_init_returns_its_code() {
    assert_eq!(init(r#"{"fail": true}"#), crate::result::INVALID_INPUT);
    assert_eq!(init(r#"{"repeat": "x"}"#), crate::result::INVALID_INPUT);
    assert!(crate::testing::Instance::<Repeat>::new(r#"{"fail": true}"#).unwrap_err().message().contains("fail is set"));
}

#[test]
fn the_testing_instance_runs_like_the_exports() {
    let mut plugin = crate::testing::Instance::<Repeat>::new(r#"{"repeat": 3}"#).unwrap();
    assert_eq!(plugin.execute(r#"{"text": "a"}"#).unwrap()["text"], "aaa");
    assert_eq!(plugin.execute("[]").unwrap_err().code(), crate::result::INVALID_INPUT);
}

#[test]
fn alloc_gives_aligned_blocks_and_zero_for_a_negative_size() {
    let p = plugin_alloc(0);
    assert!(!p.is_null());
    assert_eq!(p as usize % 8, 0);
    unsafe { plugin_free(p, 0) };
    assert!(plugin_alloc(-1).is_null());
}

#[test]
fn plugin_errors_never_carry_ok_or_retry_codes() {
    assert_eq!(PluginError::new(0, "x").code(), crate::result::ERROR);
    assert_eq!(PluginError::new(-5, "x").code(), crate::result::ERROR);
    assert_eq!(PluginError::timeout("x").code(), -3);
    assert_eq!(PluginError::out_of_memory("x").code(), -4);
}

#[test]
fn state_round_trips_and_refuses_bad_keys() {
    use crate::state;
    assert_eq!(state::get("missing"), None);
    state::set("k", b"value").unwrap();
    assert_eq!(state::get("k").unwrap(), b"value");
    state::set("empty", b"").unwrap();
    assert_eq!(state::get("empty").unwrap(), b"");
    state::set_json("j", &serde_json::json!({"a": 1})).unwrap();
    assert_eq!(state::get_json::<serde_json::Value>("j").unwrap().unwrap()["a"], 1);
    assert_eq!(state::set("", b"x"), Err(state::StateError::InvalidKey));
    assert_eq!(state::set(vec![b'k'; 257], b"x"), Err(state::StateError::InvalidKey));
}

#[cfg(feature = "atomic-state")]
#[test]
fn compare_and_set_update_and_increment() {
    use crate::state;
    assert_eq!(state::compare_and_set("c", None, b"1"), Ok(true));
    assert_eq!(state::compare_and_set("c", None, b"2"), Ok(false));
    assert_eq!(state::compare_and_set("c", Some(b"0"), b"2"), Ok(false));
    assert_eq!(state::compare_and_set("c", Some(b"1"), b"2"), Ok(true));
    assert_eq!(state::get_string("c").unwrap(), "2");
    assert_eq!(state::increment("n", 5), Ok(5));
    assert_eq!(state::increment("n", -2), Ok(3));
    assert_eq!(state::get_string("n").unwrap(), "3");
    state::set("nan", b"abc").unwrap();
    assert_eq!(state::increment("nan", 1), Err(state::StateError::NotANumber));
    assert_eq!(state::update("u", |old| [old.unwrap_or(b""), b"x"].concat()).unwrap(), b"x");
    assert_eq!(state::update("u", |old| [old.unwrap_or(b""), b"x"].concat()).unwrap(), b"xx");
    assert_eq!(state::compare_and_set("", None, b"x"), Err(state::StateError::InvalidKey));
}

#[test]
fn random_and_time() {
    assert_eq!(crate::random::below(0), None);
    assert_eq!(crate::random::below(u32::MAX), None);
    for _ in 0..100 {
        assert!(crate::random::below(3).unwrap() < 3);
        let u = crate::random::unit();
        assert!((0.0..1.0).contains(&u));
    }
    assert!(crate::time::now_ms() > 1_600_000_000_000);
    assert_eq!(crate::context::get(), None);
    assert!(crate::log::log(crate::log::Level::Info, "a log line from the tests"));
}
