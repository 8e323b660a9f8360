package io.llmtestbench.runtime.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.runtime.internal.registry.Semver;

/**
 * The one rule for what a version is, used wherever a plugin's versions are read: the metadata
 * {@code version} (a semantic version, parsed by {@link Semver#parse}, the same parser the registry orders
 * and routes by) and the metadata {@code api_version} (the plugin ABI version it was written for, parsed by
 * {@link PluginAbi#parseApiVersion}, which the build tools use too).
 * Everything is validated here, at load, so nothing downstream can meet a version it cannot parse.
 */
public final class Versions {
    private Versions() {}

    /** The accepted forms of {@code version}, as error messages and docs state them. */
    public static final String VERSION_FORMS = "a semantic version MAJOR.MINOR.PATCH, optionally followed by -PRERELEASE and +BUILD"
            + " (semver.org 2.0.0: numbers without leading zeros), e.g. \"1.2.3\" or \"1.0.0-rc.1\"";

    /** The accepted forms of {@code api_version}, as error messages and docs state them. */
    public static final String API_VERSION_FORMS = "\"MAJOR.MINOR\" (e.g. \"" + PluginAbi.VERSION + "\"), \"MAJOR.MINOR.PATCH\""
            + " (the patch is ignored, e.g. \"1.0.0\"), \"MAJOR\" (= MAJOR.0), or a JSON number such as 1 or 1.0;"
            + " each part 1-4 decimal digits";

    /** Longer versions are refused before any parsing (they come from untrusted plugins). */
    public static final int MAX_VERSION_LENGTH = 256;

    /** A plugin's {@code api_version}: what it declared, and the MAJOR and MINOR that compatibility is judged by. */
    public record ApiVersion(String text, int major, int minor) {
        /** Same major as the host's ABI, minor not above the host's. */
        public boolean compatible() {
            return PluginAbi.isCompatible(major, minor);
        }
    }

    /** A version the validator refuses; the message names the field, the value and the accepted forms. */
    public static final class InvalidVersion extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidVersion(String message) {
            super(message);
        }
    }

    /**
     * The metadata {@code version} field (the node, or null when absent).
     *
     * @throws InvalidVersion when it is absent, not a string, or not a semantic version
     */
    public static Semver version(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new InvalidVersion("metadata field 'version' is missing; expected " + VERSION_FORMS);
        }
        if (!node.isTextual()) {
            throw new InvalidVersion("metadata field 'version' must be a string, not " + shown(node) + "; expected " + VERSION_FORMS);
        }
        return version(node.asText());
    }

    /**
     * A plugin version given as text: exactly a semantic version, no surrounding whitespace.
     *
     * @throws InvalidVersion otherwise
     */
    public static Semver version(String text) {
        if (text != null && text.length() > MAX_VERSION_LENGTH) {
            throw new InvalidVersion("metadata version " + quoted(text) + " is " + text.length() + " characters long; at most "
                    + MAX_VERSION_LENGTH + " are accepted");
        }
        Semver v = text == null || !text.equals(text.strip()) ? null : Semver.tryParse(text);
        if (v == null) {
            throw new InvalidVersion("metadata version " + quoted(text) + " is not " + VERSION_FORMS);
        }
        return v;
    }

    /**
     * The metadata {@code api_version} field (the node, or null when absent): a string or a JSON number, read
     * as its decimal text.
     *
     * @throws InvalidVersion when it is absent, of another JSON type, or not in one of {@link #API_VERSION_FORMS}
     */
    public static ApiVersion apiVersion(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw new InvalidVersion("metadata field 'api_version' is missing; expected " + API_VERSION_FORMS);
        }
        if (!node.isTextual() && !node.isNumber()) {
            throw new InvalidVersion("metadata field 'api_version' must be a string or a number, not " + shown(node)
                    + "; expected " + API_VERSION_FORMS);
        }
        return apiVersion(node.asText());
    }

    /**
     * An ABI version given as text.
     *
     * @throws InvalidVersion when it is not in one of {@link #API_VERSION_FORMS}
     */
    public static ApiVersion apiVersion(String text) {
        int[] v = PluginAbi.parseApiVersion(text); // the grammar build tools read it with, too
        if (v == null) {
            throw new InvalidVersion("metadata api_version " + quoted(text) + " is not an ABI version; expected " + API_VERSION_FORMS
                    + " (this host implements " + PluginAbi.VERSION + ")");
        }
        return new ApiVersion(text, v[0], v[1]);
    }

    /** A plugin's value in a message: {@link LogText#quoted} in double quotes (cut, escaped), as the metadata check shows names. */
    private static String quoted(String text) {
        return LogText.quoted(text, '"');
    }

    private static String shown(JsonNode node) {
        String type = node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        String text = node.toString();
        int end = LogText.shownEnd(text); // JSON text: escaped already, but a cut may split a surrogate pair
        return type + " " + (end < text.length() ? text.substring(0, end) + "…" : text);
    }
}
