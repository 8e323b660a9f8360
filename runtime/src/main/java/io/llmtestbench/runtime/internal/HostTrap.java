package io.llmtestbench.runtime.internal;

import com.dylibso.chicory.wasm.ChicoryException;
import io.llmtestbench.runtime.ErrorKind;

/** A host function refusing a call (bad pointer, denied capability); ends the execution with its kind. */
final class HostTrap extends ChicoryException {
    private static final long serialVersionUID = 1L;
    private final transient ErrorKind kind;

    HostTrap(ErrorKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    ErrorKind kind() {
        return kind;
    }
}
