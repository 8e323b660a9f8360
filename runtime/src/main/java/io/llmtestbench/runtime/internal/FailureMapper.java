package io.llmtestbench.runtime.internal;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.wasm.ChicoryException;
import io.llmtestbench.abi.PluginAbi;
import io.llmtestbench.runtime.ErrorKind;
import io.llmtestbench.runtime.PluginException;
import io.llmtestbench.runtime.PluginExecutionException;
import io.llmtestbench.runtime.ResourceLimits;
import io.llmtestbench.runtime.internal.exec.Interrupted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns whatever stopped a guest — a limit, a trap, a host function's refusal, a broken buffer protocol, a
 * result code — into the typed failure the caller sees (docs/plugin-abi.md §7–9). The kind decides the class
 * ({@link Failures}), so every timeout is a {@code PluginTimeoutException} wherever it was noticed.
 */
final class FailureMapper {
    private static final Logger LOG = LoggerFactory.getLogger(FailureMapper.class);

    private final String plugin;
    private final ResourceLimits limits;

    /** @param plugin the plugin's name in messages */
    FailureMapper(String plugin, ResourceLimits limits) {
        this.plugin = plugin;
        this.limits = limits;
    }

    /** A non-zero result code from {@code plugin_execute}: the kind and message of docs/plugin-abi.md §7. */
    PluginExecutionException resultCode(GuestInstance.ResultCode rc, GuestInstance guest) {
        String detail = "execution failed with code: " + rc.code + " (" + PluginAbi.resultName(rc.code).orElse("undocumented result code") + ")"
                + (rc.pluginMessage != null && !rc.pluginMessage.isEmpty() ? ": " + rc.pluginMessage : "");
        boolean growRefused = guest.memory().growRefused();
        ErrorKind kind = ErrorKind.PLUGIN_ERROR;
        if (growRefused || rc.code == PluginAbi.RESULT_OUT_OF_MEMORY) {
            kind = ErrorKind.MEMORY_LIMIT;
            detail += growRefused
                    ? " [memory limit of " + limits.maxMemoryBytes() + " bytes reached: memory.grow refused]"
                    : " [plugin reported out of memory; memory limit " + limits.maxMemoryBytes() + " bytes]";
        } else if (rc.code == PluginAbi.RESULT_TIMEOUT) {
            kind = ErrorKind.TIMEOUT;
        }
        return Failures.execution(kind, plugin, detail, rc.code, guest.budget().fuelUsed(), null);
    }

    /** Whatever else stopped the guest during an execution. */
    PluginException failure(Throwable e, GuestInstance guest) {
        if (e instanceof PluginException) {
            return (PluginException) e;
        }
        long fuel = guest.budget().fuelUsed();
        String phase = guest.phase();
        if (e instanceof Interrupted) {
            switch (((Interrupted) e).reason()) {
                case FUEL_EXHAUSTED:
                    return Failures.fuelExhausted(plugin, limits.maxInstructions(), fuel, phase);
                case DEADLINE:
                    return Failures.timeout(plugin, limits.maxExecutionTimeMs(), phase, null, fuel, null);
                case CALL_DEPTH:
                    return trap("trapped: call stack exhausted (more than " + limits.maxCallDepth() + " nested calls)", fuel, e);
                default: // cancelled by the system's close
                    return Failures.cancelled(plugin, fuel);
            }
        }
        if (e instanceof ChicoryInterruptedException) { // code without metering, interrupted by the watchdog or a close
            return guest.budget().stopReason() == Interrupted.Reason.CANCELLED ? Failures.cancelled(plugin, fuel)
                    : Failures.timeout(plugin, limits.maxExecutionTimeMs(), phase, null, fuel, null);
        }
        if (e instanceof GuestInstance.OutputTooLarge) {
            var o = (GuestInstance.OutputTooLarge) e;
            return Failures.execution(ErrorKind.INVALID_OUTPUT, plugin, "output of " + o.needed + " bytes" + Failures.in(phase)
                    + " exceeds max_output_bytes (" + o.max + " bytes); " + Failures.RAISE_OUTPUT, PluginAbi.RESULT_BUFFER_TOO_SMALL,
                    fuel, null);
        }
        if (e instanceof StackOverflowError) {
            return trap("trapped: call stack exhausted", fuel, null);
        }
        if (e instanceof OutOfMemoryError) { // one allocation too big for the JVM's heap (PluginFaults)
            return Failures.execution(ErrorKind.MEMORY_LIMIT, plugin, "exhausted the JVM's heap (" + PluginFaults.describe(e)
                    + "); the instance was discarded", fuel, null);
        }
        if (e instanceof LinkageError) { // a plugin class failed to initialise (PluginFaults)
            return trap("trapped: its code failed to link (" + PluginFaults.describe(e) + ")", fuel, null);
        }
        if (e instanceof GuestInstance.AbiViolation) {
            var v = (GuestInstance.AbiViolation) e;
            boolean memory = v.kind == ErrorKind.MEMORY_LIMIT;
            String detail = (memory ? "hit its memory limit of " + limits.maxMemoryBytes() + " bytes: " : "broke the ABI: ") + v.getMessage();
            return Failures.execution(v.kind, plugin, detail, v.code, fuel, null);
        }
        if (e instanceof HostTrap) {
            HostTrap t = (HostTrap) e;
            switch (t.kind()) {
                case PERMISSION_DENIED:
                    return Failures.execution(ErrorKind.PERMISSION_DENIED, plugin, "permission denied: " + t.getMessage(), fuel, null);
                case TIMEOUT:
                    return Failures.timeout(plugin, limits.maxExecutionTimeMs(), phase, t.getMessage(), fuel, e);
                default:
                    return Failures.execution(t.kind(), plugin, "trapped in host call " + t.getMessage(), fuel, e);
            }
        }
        String detail = e.getMessage() != null ? e.getMessage() : e.toString();
        if (guest.memory().growRefused()) {
            return Failures.execution(ErrorKind.MEMORY_LIMIT, plugin, "hit its memory limit of " + limits.maxMemoryBytes()
                    + " bytes (memory.grow refused) and then failed: " + detail, fuel, e);
        }
        if (e instanceof ChicoryException) {
            return trap("trapped: " + detail, fuel, e);
        }
        LOG.warn("Plugin '{}' failed with an unexpected exception", plugin, e);
        return trap("trapped: " + e, fuel, e);
    }

    private PluginExecutionException trap(String detail, long fuel, Throwable cause) {
        return Failures.execution(ErrorKind.TRAP, plugin, detail, fuel, cause);
    }
}
