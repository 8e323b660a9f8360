package io.llmtestbench.runtime.internal.registry;

import java.math.BigInteger;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A semantic version (semver.org 2.0.0) ordered by precedence; build metadata is ignored. */
public record Semver(BigInteger major, BigInteger minor, BigInteger patch, List<String> preRelease) implements Comparable<Semver> {
    /** semver.org 2.0.0: no leading zeros in numbers, nor in numeric pre-release identifiers; no empty identifiers. */
    private static final String PRE_ID = "(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)";
    private static final Pattern FULL = Pattern.compile("(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
            + "(?:-(" + PRE_ID + "(?:\\." + PRE_ID + ")*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");

    public Semver {
        preRelease = List.copyOf(preRelease);
    }

    /**
     * Parses exactly MAJOR.MINOR.PATCH[-pre][+build] (no surrounding whitespace); {@link IllegalArgumentException}
     * otherwise. The grammar of a plugin's metadata version ({@code internal.Versions} validates with it at load).
     */
    public static Semver parse(String text) {
        Matcher m = FULL.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a semantic version (MAJOR.MINOR.PATCH)");
        }
        return new Semver(new BigInteger(m.group(1)), new BigInteger(m.group(2)), new BigInteger(m.group(3)),
                m.group(4) == null ? List.of() : List.of(m.group(4).split("\\.")));
    }

    /** Null instead of an exception. */
    public static Semver tryParse(String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    /** Same major, minor and patch. */
    boolean sameCore(Semver o) {
        return major.equals(o.major) && minor.equals(o.minor) && patch.equals(o.patch);
    }

    @Override
    public int compareTo(Semver o) {
        int c = major.compareTo(o.major);
        if (c == 0) {
            c = minor.compareTo(o.minor);
        }
        if (c == 0) {
            c = patch.compareTo(o.patch);
        }
        if (c != 0) {
            return c;
        }
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty()); // a release ranks above its pre-releases
        }
        for (int i = 0; i < Math.min(preRelease.size(), o.preRelease.size()); i++) {
            String a = preRelease.get(i);
            String b = o.preRelease.get(i);
            boolean an = a.chars().allMatch(Character::isDigit);
            boolean bn = b.chars().allMatch(Character::isDigit);
            int d = an && bn ? new BigInteger(a).compareTo(new BigInteger(b)) : an ? -1 : bn ? 1 : a.compareTo(b);
            if (d != 0) {
                return d;
            }
        }
        return Integer.compare(preRelease.size(), o.preRelease.size());
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + String.join(".", preRelease));
    }
}
