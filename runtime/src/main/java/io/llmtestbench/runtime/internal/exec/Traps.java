package io.llmtestbench.runtime.internal.exec;

import com.dylibso.chicory.runtime.TrapException;

/**
 * The traps generated code raises, with the WebAssembly spec's messages. Each method returns the exception
 * (generated code throws it) so that the throwing site stays one instruction in the caller's bytecode. Traps
 * carry no stack trace: a guest stack can be thousands of frames deep and says nothing to the host.
 *
 * <p>Generated code lets the JVM's own checks fail where they coincide with the spec (array and
 * {@code VarHandle} index checks for memory, {@code idiv} by zero); {@link #translate} turns those into
 * traps once, where control leaves generated code.
 */
public final class Traps {
    private Traps() {}

    /** A trap: the guest did something the spec says ends its execution. */
    public static final class Trap extends TrapException {
        private static final long serialVersionUID = 1L;

        Trap(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    public static RuntimeException unreachable() {
        return new Trap("Trapped on unreachable instruction");
    }

    public static RuntimeException outOfBounds() {
        return new Trap("out of bounds memory access");
    }

    static RuntimeException divideByZero() {
        return new Trap("integer divide by zero");
    }

    public static RuntimeException integerOverflow() {
        return new Trap("integer overflow");
    }

    static RuntimeException invalidConversion() {
        return new Trap("invalid conversion to integer");
    }

    static RuntimeException undefinedElement() {
        return new Trap("undefined element");
    }

    static RuntimeException uninitializedElement(int index) {
        return new Trap("uninitialized element " + index);
    }

    public static RuntimeException indirectCallTypeMismatch() {
        return new Trap("indirect call type mismatch");
    }

    static RuntimeException tableOutOfBounds() {
        return new Trap("out of bounds table access");
    }

    /** {@code Machine.call} of a function the module does not let others call. */
    public static RuntimeException unknownFunction(int index) {
        return new com.dylibso.chicory.wasm.InvalidException("unknown function " + index);
    }

    static RuntimeException callStackExhausted() {
        return new Trap("call stack exhausted");
    }

    /**
     * What leaves generated code as a JVM failure becomes the spec's trap: an index check of memory
     * ({@link IndexOutOfBoundsException} from an array or {@code VarHandle} access, or {@code checkIndex}),
     * division by zero ({@link ArithmeticException}: the only one {@code idiv}/{@code ldiv} and the unsigned
     * division helpers throw), and a JVM stack overflow. Anything else passes through unchanged.
     */
    public static Throwable translate(Throwable t) {
        if (t instanceof IndexOutOfBoundsException) {
            return outOfBounds();
        }
        if (t instanceof ArithmeticException) {
            return divideByZero();
        }
        if (t instanceof StackOverflowError) {
            return callStackExhausted();
        }
        return t;
    }
}
