package io.llmtestbench.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One host directory granted to a plugin's WASI file access (see {@link PluginPermissions#allowedDirs()}).
 * The guest sees the directory, and only what is below it, at {@code guestPath}; symbolic links and
 * {@code ..} cannot lead out of it, and a read-only grant refuses every write. The rules:
 * docs/plugin-abi.md, §13.
 *
 * <p>As a string (the form {@link PluginPermissions#allowedDirs()} holds): {@code HOST[:GUEST][:ro|:rw]},
 * e.g. {@code /tmp/plugin_data} (read-write, seen at the same path), {@code /srv/models:ro},
 * {@code ./data:/data:ro}. GUEST is recognised as the part after the last {@code ":/"}; a host path that
 * itself contains {@code ":/"} or ends in {@code :ro}/{@code :rw} cannot be granted.
 *
 * @param hostPath the directory on the host; a relative path is made absolute against the working
 *     directory when the grant is created. It must exist when an instance of the plugin is created.
 * @param guestPath where the guest sees it: an absolute path without {@code .} or {@code ..} components;
 *     null means the same path as {@code hostPath} (made absolute and normalized)
 * @param readOnly refuse every write: creating, writing, truncating, renaming, removing, linking, making
 *     directories or symbolic links, setting times
 */
public record DirGrant(String hostPath, String guestPath, boolean readOnly) {

    public DirGrant {
        if (hostPath == null || hostPath.isEmpty()) {
            throw new IllegalArgumentException("directory grant: no host path given");
        }
        if (hostPath.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("directory grant: host path contains a NUL character");
        }
        if (hostPath.contains(":/") || hostPath.endsWith(":ro") || hostPath.endsWith(":rw")) {
            throw new IllegalArgumentException("directory grant: host path '" + hostPath
                    + "' cannot be granted (it contains ':/' or ends in ':ro'/':rw', which the grant syntax uses)");
        }
        Path absolute = Path.of(hostPath).toAbsolutePath().normalize();
        hostPath = absolute.toString();
        guestPath = normalizeGuestPath(guestPath == null ? hostPath.replace('\\', '/') : guestPath);
    }

    /** Read-write access to {@code host}, seen by the guest at the same path. */
    public static DirGrant readWrite(Path host) {
        return new DirGrant(host.toString(), null, false);
    }

    /** Read-only access to {@code host}, seen by the guest at the same path. */
    public static DirGrant readOnly(Path host) {
        return new DirGrant(host.toString(), null, true);
    }

    /** This grant, seen by the guest at {@code guest} instead. */
    public DirGrant at(String guest) {
        return new DirGrant(hostPath, guest, readOnly);
    }

    /**
     * Parses {@code HOST[:GUEST][:ro|:rw]}.
     *
     * @throws IllegalArgumentException for an empty host path or an invalid guest path
     */
    public static DirGrant parse(String spec) {
        if (spec == null) {
            throw new IllegalArgumentException("directory grant: null");
        }
        String s = spec;
        boolean ro = false;
        if (s.endsWith(":ro")) {
            ro = true;
            s = s.substring(0, s.length() - 3);
        } else if (s.endsWith(":rw")) {
            s = s.substring(0, s.length() - 3);
        }
        String guest = null;
        int split = s.lastIndexOf(":/");
        if (split > 0) {
            guest = s.substring(split + 1);
            s = s.substring(0, split);
        }
        try {
            return new DirGrant(s, guest, ro);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in '" + spec + "'; expected HOST[:GUEST][:ro|:rw])", e);
        }
    }

    /** The string form, {@code HOST[:GUEST][:ro]}, that {@link #parse} reads back to an equal grant. */
    public String spec() {
        String sameGuest = normalizeGuestPath(hostPath.replace('\\', '/'), false);
        return hostPath + (guestPath.equals(sameGuest) ? "" : ":" + guestPath) + (readOnly ? ":ro" : "");
    }

    @Override
    public String toString() {
        return spec();
    }

    private static String normalizeGuestPath(String guest) {
        return normalizeGuestPath(guest, true);
    }

    private static String normalizeGuestPath(String guest, boolean strict) {
        if (!guest.startsWith("/")) {
            if (!strict) {
                return guest;
            }
            throw new IllegalArgumentException("directory grant: guest path '" + guest + "' must be absolute (start with '/')");
        }
        if (guest.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("directory grant: guest path contains a NUL character");
        }
        List<String> parts = new ArrayList<>();
        for (String part : guest.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("directory grant: guest path '" + guest + "' must not contain '.' or '..'");
            }
            parts.add(part);
        }
        return "/" + String.join("/", parts);
    }
}
