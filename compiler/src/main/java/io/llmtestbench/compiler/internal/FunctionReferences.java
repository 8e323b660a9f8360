package io.llmtestbench.compiler.internal;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.DeclarativeElement;
import com.dylibso.chicory.wasm.types.Element;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.BitSet;
import java.util.List;

/**
 * The spec's rule for {@code ref.func} in function bodies, where Chicory 1.7.5 gets it wrong both ways.
 *
 * <p>A function body may take {@code ref.func x} only if {@code x} is <em>declared</em>: named by a
 * {@code ref.func} outside function bodies — in any element segment (active, passive or declarative), a global's
 * initializer — or exported as a function (the validation context's {@code C.refs}). Chicory checks only a
 * function's reference to itself, and counts only declarative segments for it: it refuses a valid module whose
 * function refers to itself and is declared by an active segment, an export or a global (found by the independent
 * oracle against V8), and accepts an invalid module that refers to another function nothing declares.
 *
 * <p>Both are mended here, around Chicory's parser: {@link #undeclared} finds the reference the spec refuses, and
 * {@link #declareSelfReferences} rewrites a module Chicory refused for a self-reference the spec allows, before it
 * is parsed again: one declarative segment listing those functions is appended to the element section (created if
 * the module has none). A declarative segment has no effect at run time (it is dropped at instantiation), and being
 * last it renumbers no other segment; the rewrite is not made when a body names the appended segment's index
 * ({@code table.init}, {@code elem.drop}), which the original module does not have — Chicory then refuses it as it
 * did.
 */
public final class FunctionReferences {
    /** Chicory's message for a self-reference it counts as undeclared; the spec's test suite uses the same text. */
    public static final String UNDECLARED = "undeclared function reference";

    private static final int SECTION_ELEMENT = 9;
    private static final int SECTION_DATA_COUNT = 12;
    private static final int SECTION_DATA = 11;

    private FunctionReferences() {}

    /**
     * The first {@code ref.func} in a function body that names a function the module does not declare, as
     * {@code {function, referenced}} (module-wide function indices), or null when every reference is declared.
     */
    public static int[] undeclared(WasmModule module) {
        BitSet refs = declared(module);
        int imported = module.importSection().count(ExternalType.FUNCTION);
        int bodies = module.codeSection().functionBodyCount();
        for (int i = 0; i < bodies; i++) {
            for (Instruction op : module.codeSection().getFunctionBody(i).instructions()) {
                if (op.opcode() == OpCode.REF_FUNC) {
                    long x = op.operand(0);
                    if (x >= 0 && x <= Integer.MAX_VALUE && !refs.get((int) x)) {
                        return new int[] {imported + i, (int) x};
                    }
                }
            }
        }
        return null;
    }

    /**
     * The module with a declarative element segment listing every function that refers to itself and is declared
     * only by something Chicory does not count, or null when no such rewrite makes it acceptable (the module is
     * malformed, a self-reference is really undeclared, or a body names the index the new segment would take).
     */
    public static byte[] declareSelfReferences(byte[] wasm) {
        WasmModule module;
        try {
            // parse(Supplier): Parser.parse(byte[]) is static, and validates
            module = Parser.builder().withValidation(false).build().parse(() -> new ByteArrayInputStream(wasm));
        } catch (RuntimeException | AssertionError e) {
            return null;
        }
        BitSet refs = declared(module);
        BitSet counted = new BitSet();
        int segments = module.elementSection().elementCount();
        for (int s = 0; s < segments; s++) {
            Element e = module.elementSection().getElement(s);
            if (e instanceof DeclarativeElement) {
                refFuncs(e.initializers(), counted);
            }
        }
        int imported = module.importSection().count(ExternalType.FUNCTION);
        BitSet missing = new BitSet();
        int bodies = module.codeSection().functionBodyCount();
        for (int i = 0; i < bodies; i++) {
            int self = imported + i;
            for (Instruction op : module.codeSection().getFunctionBody(i).instructions()) {
                switch (op.opcode()) {
                    case REF_FUNC:
                        if (op.operand(0) == self && !counted.get(self)) {
                            if (!refs.get(self)) {
                                return null; // undeclared indeed
                            }
                            missing.set(self);
                        }
                        break;
                    case TABLE_INIT:
                    case ELEM_DROP:
                        if (op.operand(0) >= segments) {
                            return null; // would name the appended segment
                        }
                        break;
                    default:
                        break;
                }
            }
        }
        if (missing.isEmpty()) {
            return null;
        }
        try {
            return append(wasm, missing);
        } catch (IllegalArgumentException | IndexOutOfBoundsException malformed) {
            return null;
        }
    }

    /** C.refs: functions named by {@code ref.func} in element segments and global initializers, and exported ones. */
    private static BitSet declared(WasmModule module) {
        BitSet refs = new BitSet();
        int segments = module.elementSection().elementCount();
        for (int s = 0; s < segments; s++) {
            refFuncs(module.elementSection().getElement(s).initializers(), refs);
        }
        for (int g = 0; g < module.globalSection().globalCount(); g++) {
            refFuncs(List.of(module.globalSection().getGlobal(g).initInstructions()), refs);
        }
        var exports = module.exportSection();
        for (int i = 0; i < exports.exportCount(); i++) {
            var e = exports.getExport(i);
            if (e.exportType() == ExternalType.FUNCTION && e.index() >= 0) {
                refs.set(e.index());
            }
        }
        return refs;
    }

    private static void refFuncs(List<List<Instruction>> expressions, BitSet into) {
        for (List<Instruction> expression : expressions) {
            for (Instruction op : expression) {
                if (op.opcode() == OpCode.REF_FUNC && op.operand(0) >= 0 && op.operand(0) <= Integer.MAX_VALUE) {
                    into.set((int) op.operand(0));
                }
            }
        }
    }

    /** The module with one declarative segment of these functions appended to its element section. */
    private static byte[] append(byte[] wasm, BitSet functions) {
        var segment = new ByteArrayOutputStream();
        segment.write(0x03); // declarative, element kind + function indices
        segment.write(0x00); // elemkind funcref
        Leb128.writeUnsigned(segment, functions.cardinality());
        functions.stream().forEach(f -> Leb128.writeUnsigned(segment, f));
        byte[] added = segment.toByteArray();

        List<WasmBinary.Section> sections = WasmBinary.sections(wasm);
        var out = new ByteArrayOutputStream(wasm.length + added.length + 8);
        out.write(wasm, 0, 8);
        boolean written = false;
        for (WasmBinary.Section s : sections) {
            if (!written && s.id() == SECTION_ELEMENT) {
                var payload = new ByteArrayOutputStream();
                Leb128.Read count = Leb128.readUnsigned(wasm, s.start());
                Leb128.writeUnsigned(payload, count.value() + 1);
                payload.write(wasm, count.next(), s.end() - count.next());
                payload.writeBytes(added);
                writeSection(out, SECTION_ELEMENT, payload.toByteArray());
                written = true;
                continue;
            }
            if (!written && (s.id() == SECTION_DATA_COUNT || s.id() == WasmBinary.SECTION_CODE || s.id() == SECTION_DATA)) {
                writeNewSection(out, added); // the element section's place: after start, before data count and code
                written = true;
            }
            out.write(wasm, s.headerStart(), s.end() - s.headerStart());
        }
        if (!written) {
            writeNewSection(out, added);
        }
        return out.toByteArray();
    }

    private static void writeNewSection(ByteArrayOutputStream out, byte[] segment) {
        var payload = new ByteArrayOutputStream();
        Leb128.writeUnsigned(payload, 1);
        payload.writeBytes(segment);
        writeSection(out, SECTION_ELEMENT, payload.toByteArray());
    }

    private static void writeSection(ByteArrayOutputStream out, int id, byte[] payload) {
        out.write(id);
        Leb128.writeUnsigned(out, payload.length);
        out.writeBytes(payload);
    }
}
