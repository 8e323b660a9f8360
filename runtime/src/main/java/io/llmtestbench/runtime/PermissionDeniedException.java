package io.llmtestbench.runtime;

/**
 * A plugin used a capability it was not granted (e.g. {@code host_http_request} without the network
 * permission, or to a URL outside {@link PluginPermissions#allowedHosts()}). The execution ends; the message
 * names what was refused and why.
 */
public final class PermissionDeniedException extends PluginExecutionException {
    private static final long serialVersionUID = 1L;

    /** @param refused what was refused and why, e.g. {@code host_http_request https://x/: network access not granted} */
    PermissionDeniedException(String plugin, String refused, long fuelUsed) {
        super(ErrorKind.PERMISSION_DENIED, plugin, "permission denied: " + refused, 0, fuelUsed, null);
    }
}
