package io.llmtestbench.runtime.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.compiler.internal.JsonTrees;
import io.llmtestbench.runtime.ErrorKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The output contract (docs/plugin-abi.md §9): a plugin's output must be exactly one JSON value in UTF-8, else
 * {@link ErrorKind#INVALID_OUTPUT}. {@link #parse} checks it while building the tree {@code PluginOutput} carries;
 * {@link #check} checks the same without a tree (for {@code executePluginBytes}), accepting and refusing exactly
 * the same outputs with the same messages.
 *
 * <p>Both also bound the number of JSON values in an output ({@link #maxValues}) and its depth ({@link #MAX_DEPTH}):
 * the tree of an output takes host heap per value, up to about 80 bytes for an empty object, so a 16 MiB output of
 * {@code [{},{},...]} (5.6 million values) took about 1 GB of heap, and ran a host with less out of it.
 */
public final class OutputCheck {
    private OutputCheck() {}

    /** Bytes of {@code maxOutputBytes} per JSON value an output may hold. */
    static final int BYTES_PER_VALUE = 16;
    /** The least number of values an output may hold, however small {@code maxOutputBytes} is. */
    static final int MIN_MAX_VALUES = 65_536;

    /**
     * How many JSON values (objects, arrays and scalars, at any depth) an output may hold: one per
     * {@value #BYTES_PER_VALUE} bytes of the output cap, at least {@value #MIN_MAX_VALUES} (1,048,576 with the
     * default cap of 16 MiB). A dense array of numbers as large as the cap passes; {@code [{},{},...]} does not.
     */
    public static int maxValues(int maxOutputBytes) {
        return Math.max(MIN_MAX_VALUES, maxOutputBytes / BYTES_PER_VALUE);
    }

    /**
     * How deeply an output may nest arrays and objects. The host puts outputs inside JSON documents of its own (the
     * CLI's result, a pipeline's result records), whose writers stop at 1,000 levels like Jackson's parser: an output
     * of 1,000 levels passed the parser, then failed {@code llmtb run} as an internal error, and an evaluator's of 999
     * failed {@code llmtb eval --out}, losing every record's result. 100 levels are left to the host's documents.
     */
    public static final int MAX_DEPTH = 900;

    /** A bound the output's JSON passed: thrown by {@link Counting} as the parser's error, so both checks report it alike. */
    static final class OverLimit extends JsonParseException {
        private static final long serialVersionUID = 1L;
        /** Why the bound is there and how to raise it (when it can be), for messages. */
        final String rule;

        OverLimit(JsonParser p, String what, String rule) {
            super(p, what);
            this.rule = rule;
        }
    }

    /** A parser that counts the values it reads and their depth, and fails at the first past a bound. */
    static final class Counting extends JsonParserDelegate {
        private final int maxValues;
        private int values;
        private int depth;

        Counting(JsonParser p, int maxValues) {
            super(p);
            this.maxValues = maxValues;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken t = delegate.nextToken();
            if (t == null) {
                return null;
            }
            if (t.isScalarValue() || t.isStructStart()) {
                if (++values > maxValues) {
                    throw new OverLimit(this, "holding more than " + maxValues + " JSON values", " (at most one value per "
                            + BYTES_PER_VALUE + " bytes of max_output_bytes, and at least " + MIN_MAX_VALUES
                            + ", because each value takes host heap); " + Failures.RAISE_OUTPUT);
                }
                if (t.isStructStart() && ++depth > MAX_DEPTH) {
                    throw new OverLimit(this, "nesting arrays and objects more than " + MAX_DEPTH + " levels deep",
                            " (the host puts outputs inside JSON documents of its own, which stop at 1,000 levels)");
                }
            } else if (t.isStructEnd()) {
                depth--;
            }
            return t;
        }
    }

    /** The output as a tree; the typed failure when it breaks the contract ({@code maxValues}: see {@link #maxValues}). */
    public static JsonNode parse(String plugin, byte[] out, int maxValues) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(out)).toString();
        } catch (CharacterCodingException e) {
            throw notUtf8(plugin, out, e);
        }
        try {
            var parser = new Counting(JsonTrees.FACTORY.createParser(text), maxValues);
            JsonNode node = JsonTrees.readValue(parser);
            if (node == null || parser.nextToken() != null) {
                throw new JsonParseException(parser, node == null ? "empty output" : "trailing data after the JSON value");
            }
            return node;
        } catch (OverLimit e) {
            throw Failures.execution(ErrorKind.INVALID_OUTPUT, plugin, "returned output of " + out.length + " bytes "
                    + e.getOriginalMessage() + e.rule, 0, e);
        } catch (IOException e) {
            String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
            throw Failures.execution(ErrorKind.INVALID_OUTPUT, plugin,
                    "returned output that is not valid JSON: " + firstLine(e) + " (output: \"" + shown + "\")", 0, e);
        }
    }

    /**
     * {@link #parse}'s check without the tree: UTF-8 (a scan; the decoder only for output that is not all ASCII),
     * then the tokens of one JSON value from the bytes. Outputs a byte source reads differently from text (a NUL
     * among the first four bytes makes Jackson guess UTF-16 or UTF-32; it skips a byte order mark), and every output
     * it refuses, go through {@link #parse}, so that the verdict and the message are {@link #parse}'s.
     */
    public static void check(String plugin, byte[] out, int maxValues) {
        boolean ascii = true;
        for (byte b : out) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (!ascii) {
            try {
                StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(out));
            } catch (CharacterCodingException e) {
                throw notUtf8(plugin, out, e);
            }
        }
        if (out.length < 4 || out[0] == 0 || out[1] == 0 || out[2] == 0 || out[3] == 0 || (out[0] & 0xff) == 0xEF) {
            parse(plugin, out, maxValues);
            return;
        }
        try (var parser = new Counting(JsonTrees.FACTORY.createParser(out), maxValues)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new JsonParseException(parser, "empty output");
            }
            if (first.isStructStart()) { // skipChildren would skip the values uncounted
                for (int depth = 1; depth > 0; ) {
                    JsonToken t = parser.nextToken();
                    if (t == null) {
                        throw new JsonParseException(parser, "Unexpected end-of-input within a JSON value");
                    }
                    depth += t.isStructStart() ? 1 : t.isStructEnd() ? -1 : 0;
                }
            }
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "trailing data after the JSON value");
            }
        } catch (IOException e) {
            parse(plugin, out, maxValues); // throws with the tree path's message
            throw Failures.execution(ErrorKind.INVALID_OUTPUT, plugin, "returned output that is not valid JSON: " + firstLine(e), 0, e);
        }
    }

    private static RuntimeException notUtf8(String plugin, byte[] out, CharacterCodingException e) {
        return Failures.execution(ErrorKind.INVALID_OUTPUT, plugin, "returned output that is not valid UTF-8 (" + out.length + " bytes)", 0, e);
    }

    /** The first line of a parser's message (Jackson appends the source location on further lines). */
    static String firstLine(IOException e) {
        String m = e.getMessage();
        int nl = m == null ? -1 : m.indexOf('\n');
        return nl < 0 ? String.valueOf(m) : m.substring(0, nl);
    }
}
