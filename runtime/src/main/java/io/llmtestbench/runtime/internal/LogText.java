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

    private static boolean control(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
