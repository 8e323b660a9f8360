package io.llmtestbench.runtime.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which URLs a plugin may reach through {@code host_http_request}: the network permission and the
 * {@code allowedHosts} entries of {@link io.llmtestbench.runtime.PluginPermissions}. An entry names a scheme,
 * a host and a port; a URL is allowed iff some entry matches all three.
 *
 * <ul>
 *   <li>{@code api.example.com} — that host name, {@code https} on port 443 only;</li>
 *   <li>{@code api.example.com:8443} — that host, {@code https} on port 8443;</li>
 *   <li>{@code *.example.com} — any name ending in {@code .example.com} (one or more labels in front, so
 *       {@code a.b.example.com} too), {@code https} on 443; <b>not</b> {@code example.com} itself (list it
 *       as well if you mean it — the same rule as TLS wildcard certificates);</li>
 *   <li>{@code scheme://host[:port]} and {@code scheme://*.suffix[:port]} — scheme {@code http} or
 *       {@code https}; the port defaults to the scheme's (80, 443). Plain {@code http} and any other port
 *       must be named this way, e.g. {@code http://127.0.0.1:8080}.</li>
 * </ul>
 *
 * Host names compare case-insensitively, ignoring one trailing dot. IP literals ({@code 127.0.0.1},
 * {@code [::1]}) match only an entry that names them exactly (as text), never a wildcard; neither does a
 * name whose last label is numeric ({@code 127.1}, {@code 2130706433}), which resolvers read as an address.
 * URLs with user info ({@code https://user@host/}) are refused. Names are not resolved: what a listed name
 * resolves to is trusted (see "DNS rebinding" in docs/plugin-abi.md).
 */
public final class NetworkPolicy {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+(%[0-9a-z._~-]+)?]");

    /** One parsed {@code allowedHosts} entry. {@code host} is the suffix (without "*.") when {@code wildcard}. */
    public record Entry(String scheme, String host, boolean wildcard, int port, String text) {
        boolean matches(String scheme, String host, int port) {
            return this.scheme.equals(scheme) && this.port == port && matchesHost(host);
        }

        boolean matchesHost(String host) {
            if (!wildcard) {
                return this.host.equals(host);
            }
            return !isAddressLike(host) && host.length() > this.host.length() + 1 && host.endsWith("." + this.host);
        }

        /** The entry in its explicit form, e.g. {@code https://*.example.com:443}. */
        String explicit() {
            return scheme + "://" + (wildcard ? "*." : "") + host + ":" + port;
        }
    }

    static final String NOT_GRANTED = "network access is not granted to this plugin (PluginPermissions.network is false)";

    private static final NetworkPolicy DENY_ALL = new NetworkPolicy(false, List.of());

    private final boolean granted;
    private final List<Entry> entries;

    private NetworkPolicy(boolean granted, List<Entry> entries) {
        this.granted = granted;
        this.entries = List.copyOf(entries);
    }

    /** Nothing allowed. */
    public static NetworkPolicy denyAll() {
        return DENY_ALL;
    }

    /**
     * @param granted {@code PluginPermissions.network}
     * @param allowedHosts the entries; each is parsed (an invalid one throws IllegalArgumentException)
     */
    public static NetworkPolicy of(boolean granted, List<String> allowedHosts) {
        List<Entry> parsed = new ArrayList<>();
        for (String e : allowedHosts) {
            parsed.add(parseEntry(e));
        }
        return new NetworkPolicy(granted, parsed);
    }

    public boolean granted() {
        return granted;
    }

    public List<Entry> entries() {
        return entries;
    }

    /**
     * Parses one {@code allowedHosts} entry.
     *
     * @throws IllegalArgumentException naming the entry and what is wrong with it
     */
    public static Entry parseEntry(String entry) {
        if (entry == null || entry.isBlank()) {
            throw bad(entry, "empty");
        }
        String rest = entry.strip().toLowerCase(Locale.ROOT);
        String scheme = "https";
        int schemeEnd = rest.indexOf("://");
        if (schemeEnd >= 0) {
            scheme = rest.substring(0, schemeEnd);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw bad(entry, "scheme must be http or https");
            }
            rest = rest.substring(schemeEnd + 3);
        }
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        for (char c : new char[] {'/', '?', '#', '@'}) {
            if (rest.indexOf(c) >= 0) {
                throw bad(entry, "only [scheme://]host[:port] is allowed (no path, query or user info)");
            }
        }
        String host = rest;
        int port = -1;
        int colon = rest.startsWith("[") ? rest.indexOf(':', Math.max(0, rest.indexOf(']'))) : rest.lastIndexOf(':');
        if (colon >= 0) {
            host = rest.substring(0, colon);
            String p = rest.substring(colon + 1);
            if (!p.matches("\\d{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
                throw bad(entry, "port must be a number from 1 to 65535");
            }
            port = Integer.parseInt(p);
        }
        if (port < 0) {
            port = defaultPort(scheme);
        }
        boolean wildcard = host.startsWith("*.");
        if (wildcard) {
            host = host.substring(2);
        }
        host = stripDot(host);
        if (host.indexOf('*') >= 0) {
            throw bad(entry, "'*' is allowed only as a whole first label (*.example.com); there is no allow-all entry");
        }
        if (IPV6.matcher(host).matches() || IPV4.matcher(host).matches()) {
            if (wildcard) {
                throw bad(entry, "an IP address cannot have a wildcard");
            }
        } else {
            if (!isHostName(host)) {
                throw bad(entry, "'" + host + "' is not a host name or IP address");
            }
            if (isAddressLike(host)) {
                throw bad(entry, wildcard ? "a wildcard suffix must end in a name, not a number"
                        : "'" + host + "' looks like an address but is not a dotted-quad IPv4 address");
            }
        }
        return new Entry(scheme, host, wildcard, port, entry);
    }

    /**
     * Why {@code url} may not be requested, or null when it may. The URL must be absolute with a host (the
     * caller checks that); this only applies the permission.
     */
    public String denial(URI url) {
        if (!granted) {
            return NOT_GRANTED;
        }
        if (url.getRawUserInfo() != null) {
            return "URLs with user info are refused";
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "scheme '" + scheme + "' is not allowed (only http and https)";
        }
        String host = normalizeHost(url.getHost());
        int port = url.getPort() < 0 ? defaultPort(scheme) : url.getPort();
        List<String> sameHost = new ArrayList<>();
        for (Entry e : entries) {
            if (e.matches(scheme, host, port)) {
                return null;
            }
            if (e.matchesHost(host)) {
                sameHost.add(e.explicit());
            }
        }
        String target = scheme + "://" + host + ":" + port;
        if (entries.isEmpty()) {
            return target + " is not allowed: allowedHosts is empty";
        }
        if (!sameHost.isEmpty()) {
            return target + " is not allowed: the host is allowed only as " + String.join(", ", sameHost)
                    + " (scheme and port must match too; add \"" + scheme + "://" + host + ":" + port + "\" to allowedHosts)";
        }
        List<String> listed = new ArrayList<>();
        entries.forEach(e -> listed.add(e.text()));
        return target + " is not allowed: the host is not in allowedHosts " + listed;
    }

    /** Lower case, without one trailing dot. */
    static String normalizeHost(String host) {
        return host == null ? "" : stripDot(host.toLowerCase(Locale.ROOT));
    }

    private static String stripDot(String host) {
        return host.endsWith(".") && !host.endsWith("..") ? host.substring(0, host.length() - 1) : host;
    }

    static int defaultPort(String scheme) {
        return scheme.equals("http") ? 80 : 443;
    }

    private static boolean isHostName(String host) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** An IP literal, or a name that resolvers would read as an address (its last label is a number). */
    static boolean isAddressLike(String host) {
        if (host.startsWith("[") || IPV4.matcher(host).matches()) {
            return true;
        }
        int dot = host.lastIndexOf('.');
        return NUMERIC_LABEL.matcher(host.substring(dot + 1)).matches();
    }

    private static IllegalArgumentException bad(String entry, String why) {
        return new IllegalArgumentException("invalid allowedHosts entry '" + entry + "': " + why);
    }
}
