package io.llmtestbench.runtime.spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spec commands (or whole scripts) known to fail, each with its reason, read from
 * {@code /spec/exclusions.txt}. One entry per line: {@code <script>.wast:<line>  <reason>} for a command,
 * {@code <script>.wast  <reason>} for a whole script; {@code #} starts a comment. A reason starting with
 * {@value #JIT_TAG} marks a command whose result depends on HotSpot's JIT state: it may pass.
 */
final class Exclusions {
    static final String RESOURCE = "/spec/exclusions.txt";
    static final String JIT_TAG = "[jit]";
    private static final Pattern ENTRY = Pattern.compile("(\\S+?\\.wast)(?::(\\d+))?\\s+(\\S.*)");

    /** One entry, with the line of the exclusion file it is on. */
    record Entry(String wast, int line, String reason, int fileLine) {
        String key() {
            return line > 0 ? wast + ":" + line : wast;
        }

        /**
         * Whether the command may also pass ({@code [jit]} reasons: the result depends on whether HotSpot has
         * JIT-compiled the code yet), so that a pass is not reported as a stale exclusion.
         */
        boolean mayPass() {
            return reason.startsWith(JIT_TAG);
        }
    }

    private final Map<String, Entry> entries;
    private final List<String> problems;

    private Exclusions(Map<String, Entry> entries, List<String> problems) {
        this.entries = entries;
        this.problems = problems;
    }

    static Exclusions load() {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (InputStream in = Exclusions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the test class path");
            }
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String raw;
            int n = 0;
            while ((raw = reader.readLine()) != null) {
                n++;
                String text = raw.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                Matcher m = ENTRY.matcher(text);
                if (!m.matches()) {
                    problems.add("exclusions.txt:" + n + ": expected '<script>.wast[:<line>]  <reason>', got: " + text);
                    continue;
                }
                var e = new Entry(m.group(1), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)), m.group(3), n);
                if (entries.putIfAbsent(e.key(), e) != null) {
                    problems.add("exclusions.txt:" + n + ": duplicate entry " + e.key());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Exclusions(Collections.unmodifiableMap(entries), Collections.unmodifiableList(problems));
    }

    /** The whole-script exclusion of this script, or null. */
    Entry script(String wast) {
        return entries.get(wast);
    }

    /** The exclusion of the command at this line of this script, or null. */
    Entry command(String wast, int line) {
        return entries.get(wast + ":" + line);
    }

    List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /** Lines of the file that are not well-formed entries. */
    List<String> problems() {
        return problems;
    }
}
