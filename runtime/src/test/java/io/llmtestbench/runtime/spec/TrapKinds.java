package io.llmtestbench.runtime.spec;

import com.dylibso.chicory.wasm.ChicoryException;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import java.util.List;
import java.util.Map;

/**
 * Trap messages of different engines mapped to one kind each, so traps compare. Our kinds are the spec's own
 * messages (the text of the spec suite's {@code assert_trap}s); V8's wording is mapped to them. V8 gives one message
 * for a few distinctions the spec makes (a null entry and a signature mismatch in {@code call_indirect}; an index past
 * a table for {@code call_indirect} and for {@code table.get}): those become one kind here, an oracle deviation
 * listed in the report. Its one message for an overflowing float-to-integer conversion and a NaN one maps to both
 * spec kinds ({@link #agree}). A Java exception that is not a wasm trap is its own kind, {@code java:<class>}, and so never
 * compares equal to a trap: a trap must carry the spec's message.
 */
final class TrapKinds {
    static final String CALL_STACK = "call stack exhausted";
    static final String INDIRECT = "indirect call: uninitialized element or type mismatch";
    static final String TABLE_BOUNDS = "undefined element / out of bounds table access";

    /** Spec message (or V8 message) -> kind; the longest contained in a message decides. */
    private static final Map<String, String> KINDS = Map.ofEntries(
            Map.entry("out of bounds memory access", "out of bounds memory access"),
            Map.entry("memory access out of bounds", "out of bounds memory access"),
            Map.entry("integer divide by zero", "integer divide by zero"),
            Map.entry("divide by zero", "integer divide by zero"),
            Map.entry("remainder by zero", "integer divide by zero"),
            Map.entry("integer overflow", "integer overflow"),
            Map.entry("divide result unrepresentable", "integer overflow"),
            Map.entry("invalid conversion to integer", "invalid conversion to integer"),
            Map.entry("float unrepresentable in integer range", "integer overflow|invalid conversion to integer"),
            Map.entry("unreachable", "unreachable"),
            Map.entry("uninitialized element", INDIRECT),
            Map.entry("indirect call type mismatch", INDIRECT),
            Map.entry("null function or function signature mismatch", INDIRECT),
            Map.entry("function signature mismatch", INDIRECT),
            Map.entry("undefined element", TABLE_BOUNDS),
            Map.entry("out of bounds table access", TABLE_BOUNDS),
            Map.entry("table index is out of bounds", TABLE_BOUNDS),
            Map.entry("element segment out of bounds", TABLE_BOUNDS),
            Map.entry("data segment out of bounds", "out of bounds memory access"),
            Map.entry("call stack exhausted", CALL_STACK),
            Map.entry("maximum call stack size exceeded", CALL_STACK),
            Map.entry("null reference", "null reference"),
            Map.entry("dereferencing a null pointer", "null reference"),
            Map.entry("unaligned atomic", "unaligned atomic"),
            Map.entry("operation does not support unaligned accesses", "unaligned atomic"));
    private static final List<String> PREFIXES = KINDS.keySet().stream()
            .sorted((a, b) -> Integer.compare(b.length(), a.length())).toList();

    private TrapKinds() {}

    static String of(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        for (String p : PREFIXES) {
            if (m.contains(p)) {
                return KINDS.get(p);
            }
        }
        int colon = m.indexOf(':');
        return "unknown: " + (colon > 0 ? m.substring(0, colon) : m);
    }

    /** A trap or error thrown by one of our engines (or Chicory's interpreter). */
    static String ofJava(Throwable t) {
        if (t instanceof Interrupted) {
            Interrupted i = (Interrupted) t;
            return i.reason() == Interrupted.Reason.CALL_DEPTH ? CALL_STACK : "stopped: " + i.reason();
        }
        if (t instanceof StackOverflowError) {
            return CALL_STACK;
        }
        if (t instanceof ChicoryException && t.getMessage() != null) {
            return of(t.getMessage());
        }
        return "java:" + t.getClass().getName();
    }

    static String ofV8(String message) {
        return of(message);
    }

    /**
     * Whether a trap kind of ours agrees with the reference's. V8 reports a float-to-integer conversion that overflows
     * and one of a NaN with one message, so its kind for it is "integer overflow|invalid conversion to integer": ours
     * must be one of the two. Null (no trap) agrees only with null.
     */
    static boolean agree(String reference, String actual) {
        if (reference == null || actual == null) {
            return reference == actual;
        }
        if (reference.equals(actual)) {
            return true;
        }
        for (String k : reference.split("\\|")) {
            if (k.equals(actual)) {
                return true;
            }
        }
        return false;
    }
}
