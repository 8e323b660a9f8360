package io.llmtestbench.runtime.internal;

import com.fasterxml.jackson.core.JsonParseException;
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
 */
public final class OutputCheck {
    private OutputCheck() {}

    /** The output as a tree; the typed failure when it breaks the contract. */
    public static JsonNode parse(String plugin, byte[] out) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(out)).toString();
        } catch (CharacterCodingException e) {
            throw notUtf8(plugin, out, e);
        }
        try {
            var parser = JsonTrees.FACTORY.createParser(text);
            JsonNode node = JsonTrees.readValue(parser);
            if (node == null || parser.nextToken() != null) {
                throw new JsonParseException(parser, node == null ? "empty output" : "trailing data after the JSON value");
            }
            return node;
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
    public static void check(String plugin, byte[] out) {
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
            parse(plugin, out);
            return;
        }
        try (var parser = JsonTrees.FACTORY.createParser(out)) {
            if (parser.nextToken() == null) {
                throw new JsonParseException(parser, "empty output");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "trailing data after the JSON value");
            }
        } catch (IOException e) {
            parse(plugin, out); // throws with the tree path's message
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
