package io.llmtestbench.runtime;

/**
 * A plugin used a capability it was not granted (e.g. {@code host_http_request} without the network
 * permission, or to a URL outside {@link PluginPermissions#allowedHosts()}). The execution ends; the message
 * names what was refused and why.
 */
public final class PermissionDeniedException extends PluginExecutionException {
    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String plugin, String detail) {
        this(plugin, detail, 0);
    }

    public PermissionDeniedException(String plugin, String detail, long fuelUsed) {
        super(ErrorKind.PERMISSION_DENIED, plugin, "Plugin '" + plugin + "' permission denied: " + detail, 0, fuelUsed, null);
    }
}
