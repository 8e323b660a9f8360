package io.llmtestbench.runtime;

/** A plugin used a capability it was not granted. */
public final class PermissionDeniedException extends PluginException {
    private static final long serialVersionUID = 1L;

    public PermissionDeniedException(String plugin, String detail) {
        super(ErrorKind.PERMISSION_DENIED, plugin, "Plugin '" + plugin + "' permission denied: " + detail, null);
    }
}
