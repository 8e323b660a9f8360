package io.llmtestbench.runtime.internal;

/**
 * Text from a plugin on its way into a log line or a message: control characters escaped, so that the text stays on
 * its line. A plugin logs through {@code host_log} on the host's own log stream, and a newline in its text would start
 * a line of its choosing, e.g. a forged {@code llmtb.audit} event ({@code outcome=ok} for another plugin); a carriage
 * return or an ANSI escape sequence would rewrite what a terminal shows.
 */
public final class LogText {
    private LogText() {}

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * {@code s} with every C0 control character (tab, newline and carriage return included), DEL, every C1 control
     * character (U+0080 to U+009F: NEL and the 8-bit CSI among them) and the Unicode line and paragraph separators
     * written as {@code \\uXXXX}; {@code s} itself when it has none.
     */
    public static String escapeControls(String s) {
        int i = 0;
        while (i < s.length() && !control(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (control(c)) {
                b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** How many characters of a plugin's value {@link #quoted} shows. */
    public static final int SHOWN_CHARS = 80;

    /**
     * A plugin's value (a metadata name, version, type) in a message: between {@code quote}s, cut after
     * {@link #SHOWN_CHARS} characters with "…" before the closing quote (a name of 16 MiB made a message of 16 MiB),
     * never inside a surrogate pair; the quote and the backslash escaped with a backslash, and the control characters
     * of {@link #escapeControls} and any lone surrogate written as {@code \\uXXXX}, so that the text stays on its line
     * and is valid UTF-16. A null value is {@code null}, unquoted.
     */
    public static String quoted(String text, char quote) {
        if (text == null) {
            return "null";
        }
        int cut = shownEnd(text);
        StringBuilder b = new StringBuilder(cut + 8).append(quote);
        for (int i = 0; i < cut; i++) {
            char c = text.charAt(i);
            if (c == quote || c == '\\') {
                b.append('\\').append(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < cut && Character.isLowSurrogate(text.charAt(i + 1))) {
                b.append(c).append(text.charAt(++i));
            } else if (control(c) || Character.isSurrogate(c)) {
                b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 15]).append(HEX[(c >> 4) & 15]).append(HEX[c & 15]);
            } else {
                b.append(c);
            }
        }
        return (cut < text.length() ? b.append('…') : b).append(quote).toString();
    }

    /**
     * Where {@link #quoted} cuts {@code text}: its length when that is at most {@link #SHOWN_CHARS}, else
     * {@link #SHOWN_CHARS}, one less when the cut would split a surrogate pair.
     */
    public static int shownEnd(String text) {
        if (text.length() <= SHOWN_CHARS) {
            return text.length();
        }
        return Character.isSurrogatePair(text.charAt(SHOWN_CHARS - 1), text.charAt(SHOWN_CHARS)) ? SHOWN_CHARS - 1 : SHOWN_CHARS;
    }

    private static boolean control(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
