package io.llmtestbench.runtime.internal.registry;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small subset of npm's range syntax, enough to ask for "the newest compatible version":
 *
 * <ul>
 *   <li>{@code null}, {@code ""} or {@code *}: any version;</li>
 *   <li>{@code 1.2.3} or {@code =1.2.3}: exactly that version; a partial {@code 1.2} means {@code >=1.2.0 <1.3.0},
 *       {@code 1} means {@code >=1.0.0 <2.0.0};</li>
 *   <li>{@code ^1.2.3}: compatible with 1.2.3, i.e. {@code >=1.2.3 <2.0.0} ({@code ^0.2.3}: {@code <0.3.0};
 *       {@code ^0.0.3}: {@code <0.0.4});</li>
 *   <li>{@code ~1.2.3}: {@code >=1.2.3 <1.3.0};</li>
 *   <li>{@code >=}, {@code >}, {@code <=}, {@code <} followed by a version (missing parts are 0), several
 *       separated by spaces all apply: {@code >=1.2 <3}.</li>
 * </ul>
 *
 * A pre-release version (1.3.0-rc.1) matches only when a comparator names a pre-release of the same
 * MAJOR.MINOR.PATCH (as in npm), so "the newest" never silently picks a release candidate.
 */
public final class VersionRange {
    private static final Pattern COMPARATOR = Pattern.compile(
            "(\\^|~|>=|<=|>|<|=)?\\s*v?(0|[1-9]\\d*)(?:\\.(0|[1-9]\\d*))?(?:\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?)?");

    private record Bound(String op, Semver version) {
        boolean test(Semver v) {
            int c = v.compareTo(version);
            switch (op) {
                case ">=": return c >= 0;
                case ">": return c > 0;
                case "<=": return c <= 0;
                case "<": return c < 0;
                default: return c == 0;
            }
        }
    }

    private final String text;
    private final List<Bound> bounds;

    private VersionRange(String text, List<Bound> bounds) {
        this.text = text;
        this.bounds = bounds;
    }

    public static VersionRange any() {
        return new VersionRange("*", List.of());
    }

    /** Parses the syntax above; {@link IllegalArgumentException} naming the bad part. */
    public static VersionRange parse(String text) {
        if (text == null || text.isBlank() || text.strip().equals("*")) {
            return any();
        }
        List<Bound> bounds = new ArrayList<>();
        // "<= 2" is one comparator: glue an operator to the version after it
        String[] parts = text.strip().replaceAll("(\\^|~|>=|<=|>|<|=)\\s+", "$1").split("\\s+");
        for (String part : parts) {
            Matcher m = COMPARATOR.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("bad version range '" + text + "' at '" + part
                        + "': use 1.2.3, =1.2.3, ^1.2, ~1.2.3, >=1.2 <2 or *");
            }
            String op = m.group(1) == null ? "" : m.group(1);
            BigInteger major = new BigInteger(m.group(2));
            BigInteger minor = m.group(3) == null ? null : new BigInteger(m.group(3));
            BigInteger patch = m.group(4) == null ? null : new BigInteger(m.group(4));
            List<String> pre = m.group(5) == null ? List.of() : List.of(m.group(5).substring(1).split("\\."));
            Semver low = new Semver(major, minor == null ? BigInteger.ZERO : minor, patch == null ? BigInteger.ZERO : patch, pre);
            switch (op) {
                case "^": {
                    bounds.add(new Bound(">=", low));
                    Semver high;
                    if (major.signum() > 0 || minor == null) {
                        high = release(major.add(BigInteger.ONE), BigInteger.ZERO, BigInteger.ZERO);
                    } else if (minor.signum() > 0 || patch == null) {
                        high = release(major, minor.add(BigInteger.ONE), BigInteger.ZERO);
                    } else {
                        high = release(major, minor, patch.add(BigInteger.ONE));
                    }
                    bounds.add(new Bound("<", high));
                    break;
                }
                case "~":
                    bounds.add(new Bound(">=", low));
                    bounds.add(new Bound("<", minor == null ? release(major.add(BigInteger.ONE), BigInteger.ZERO, BigInteger.ZERO)
                            : release(major, minor.add(BigInteger.ONE), BigInteger.ZERO)));
                    break;
                case "":
                case "=":
                    if (patch != null) {
                        bounds.add(new Bound("=", low));
                    } else {
                        bounds.add(new Bound(">=", low));
                        bounds.add(new Bound("<", minor == null ? release(major.add(BigInteger.ONE), BigInteger.ZERO, BigInteger.ZERO)
                                : release(major, minor.add(BigInteger.ONE), BigInteger.ZERO)));
                    }
                    break;
                default:
                    bounds.add(new Bound(op, low));
            }
        }
        return new VersionRange(text.strip(), List.copyOf(bounds));
    }

    private static Semver release(BigInteger major, BigInteger minor, BigInteger patch) {
        return new Semver(major, minor, patch, List.of());
    }

    public boolean matches(Semver v) {
        if (v.isPreRelease() && bounds.stream().noneMatch(b -> b.version().isPreRelease() && b.version().sameCore(v))) {
            return false;
        }
        return bounds.stream().allMatch(b -> b.test(v));
    }

    @Override
    public String toString() {
        return text;
    }
}
