package io.llmtestbench.runtime.internal.exec;

import com.dylibso.chicory.wasm.ChicoryException;

/**
 * Thrown inside guest code when a limit stops it. Extends Chicory's exception type so that Chicory's
 * interpreter (used for functions too large to compile) passes it through unchanged.
 */
public final class Interrupted extends ChicoryException {
    private static final long serialVersionUID = 1L;

    /** Which limit stopped the guest. */
    public enum Reason {
        FUEL_EXHAUSTED("fuel exhausted"),
        DEADLINE("deadline exceeded"),
        CANCELLED("execution cancelled"),
        CALL_DEPTH("call stack exhausted");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final transient Reason reason;
    private final long fuelUsed;

    Interrupted(Reason reason, Budget budget) {
        super(reason.text());
        this.reason = reason;
        this.fuelUsed = budget.fuelUsed();
    }

    public Reason reason() {
        return reason;
    }

    public long fuelUsed() {
        return fuelUsed;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // Guest stacks can be tens of thousands of frames deep; the trace says nothing useful.
        return this;
    }
}
