package io.llmtestbench.runtime.internal.load;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.ActiveElement;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.DataCountSection;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.DeclarativeElement;
import com.dylibso.chicory.wasm.types.Element;
import com.dylibso.chicory.wasm.types.ElementSection;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionSection;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.GlobalImport;
import com.dylibso.chicory.wasm.types.GlobalSection;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.Memory;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import com.dylibso.chicory.wasm.types.PassiveElement;
import com.dylibso.chicory.wasm.types.StartSection;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableImport;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.TableSection;
import com.dylibso.chicory.wasm.types.TagImport;
import com.dylibso.chicory.wasm.types.TagSection;
import com.dylibso.chicory.wasm.types.TagType;
import com.dylibso.chicory.wasm.types.TypeSection;
import com.dylibso.chicory.wasm.types.ValType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.slf4j.LoggerFactory;

/**
 * A module's declarations ({@link InstantiationRecipe}: everything but its code) remembered in the cache directory in a
 * compact form of our own, so that a later load of the same module builds its recipe without Chicory's {@code Parser}
 * and without validating the declarations again: on a pre-compiled jar whose class-reference verdict is remembered,
 * parsing and validating them was a fifth of the main thread's time to the first result, and loaded some 60 of
 * Chicory's classes (issue #16 point 4).
 *
 * <p>A file {@code declarations/<module SHA-256>} is written only after a load has parsed and validated the
 * declarations ({@link InstantiationRecipe#parseDeclarations}), and only if its form read back gives a module equal to
 * the parsed one, section by section ({@link WasmModule#equals}); what the form cannot express is not remembered. It
 * is used only if every part of it matches: the format version, the compiler stamp the classes are bound to (which
 * names the compiler's version, its metering and the module's SHA-256), the module's SHA-256 and length, and a CRC-32
 * of the whole file; a file that is missing, short, corrupt, of another version or for other content is not used —
 * the module is parsed as before, and its form written again. Reading it never throws.
 *
 * <p>The cache directory is trusted like the compile cache and the remembered verdicts next to it: a file there
 * vouches for the content it names (RATIONALE.md, "Why may a load trust the declarations remembered in the cache
 * directory?"). The declarations decide no check: the classes run as the class-reference check and the JVM verified
 * them, and limits, fuel and capabilities are the host's, whatever the module declares.
 */
public final class RememberedDeclarations {
    /** The version of the form below: change it with any change to what is written or how it is read. */
    static final int FORMAT = 1;
    private static final long MAGIC = 0x4c4c4d5442444543L; // "LLMTBDEC"
    static final String DIR = "declarations";

    private final Path dir;
    private final AtomicLong recalled = new AtomicLong();

    /** @param cacheDir the cache directory, or null: then nothing is remembered and nothing recalled */
    public RememberedDeclarations(Path cacheDir) {
        this.dir = cacheDir == null ? null : cacheDir.resolve(DIR);
    }

    /**
     * The declarations remembered for this module, or null when there are none that match in every part (then the
     * caller parses the module, and {@link #remember}s it).
     *
     * @param moduleSha256 hex SHA-256 of {@code wasm} (checked by the caller against the jar's manifest)
     * @param classStamp the stamp the plugin's classes carry, bound to the module ({@code CompilerStamp.forClasses})
     */
    public WasmModule recall(String moduleSha256, String classStamp, byte[] wasm) {
        if (dir == null) {
            return null;
        }
        byte[] file;
        try {
            file = Files.readAllBytes(dir.resolve(moduleSha256));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            return unusable(moduleSha256, e.toString());
        }
        WasmModule m;
        try {
            m = decode(file, moduleSha256, classStamp, wasm.length);
        } catch (RuntimeException e) { // a corrupt file whose checksum happens to match: never trusted blindly
            return unusable(moduleSha256, e.toString());
        }
        if (m == null) {
            return unusable(moduleSha256, "it does not match this module and compiler");
        }
        recalled.incrementAndGet();
        return m;
    }

    private static WasmModule unusable(String moduleSha256, String why) {
        LoggerFactory.getLogger(RememberedDeclarations.class)
                .debug("remembered declarations of module {} not used (parsed again): {}", moduleSha256, why);
        return null;
    }

    /**
     * Remembers {@code parsed}, the declarations {@link InstantiationRecipe#parseDeclarations} read from {@code wasm},
     * if its form reads back equal; a cache directory that cannot be written costs a warning, not the load.
     */
    public void remember(String moduleSha256, String classStamp, byte[] wasm, WasmModule parsed) {
        if (dir == null) {
            return;
        }
        byte[] form = encode(parsed, moduleSha256, classStamp, wasm.length);
        if (form == null) {
            return;
        }
        Path file = dir.resolve(moduleSha256);
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, moduleSha256, ".tmp");
            try {
                Files.write(tmp, form);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | RuntimeException e) {
            LoggerFactory.getLogger(RememberedDeclarations.class).warn("cannot remember the declarations in {}: {}", file, e.toString());
        }
    }

    /** How many loads used remembered declarations (tests prove a recall parses nothing). */
    public long recalled() {
        return recalled.get();
    }

    /** Where the declarations of a module are kept (tests damage the file). */
    static Path file(Path cacheDir, String moduleSha256) {
        return cacheDir.resolve(DIR).resolve(moduleSha256);
    }

    // ---- the form ----

    /**
     * The form of {@code m}'s declarations, or null if the form cannot express them (it is read back and compared
     * before it is returned).
     */
    static byte[] encode(WasmModule m, String moduleSha256, String classStamp, int wasmLength) {
        byte[] form;
        try {
            form = write(m, moduleSha256, classStamp, wasmLength);
            WasmModule back = decode(form, moduleSha256, classStamp, wasmLength);
            if (back == null || !back.equals(m)) {
                return null;
            }
        } catch (RuntimeException e) { // a declaration the form does not know (a GC type, say)
            return null;
        }
        return form;
    }

    private static byte[] write(WasmModule m, String moduleSha256, String classStamp, int wasmLength) {
        Out o = new Out();
        o.longValue(MAGIC);
        o.integer(FORMAT);
        o.string(classStamp);
        o.string(moduleSha256);
        o.integer(wasmLength);

        TypeSection types = m.typeSection();
        if (types.subTypeCount() != types.typeCount()) {
            throw new IllegalArgumentException("recursive type groups");
        }
        o.integer(types.typeCount());
        for (int i = 0; i < types.typeCount(); i++) {
            if (!types.getRecType(i).isLegacy()) {
                throw new IllegalArgumentException("type " + i + " is not a function type");
            }
            FunctionType t = types.getType(i);
            valTypes(o, t.params());
            valTypes(o, t.returns());
        }

        ImportSection imports = m.importSection();
        o.integer(imports.importCount());
        for (int i = 0; i < imports.importCount(); i++) {
            Import imp = imports.getImport(i);
            o.integer(imp.importType().id());
            o.string(imp.module());
            o.string(imp.name());
            if (imp instanceof FunctionImport) {
                o.integer(((FunctionImport) imp).typeIndex());
            } else if (imp instanceof TableImport) {
                TableImport t = (TableImport) imp;
                o.longValue(t.entryType().id());
                tableLimits(o, t.limits());
            } else if (imp instanceof MemoryImport) {
                memoryLimits(o, ((MemoryImport) imp).limits());
            } else if (imp instanceof GlobalImport) {
                GlobalImport g = (GlobalImport) imp;
                o.integer(g.mutabilityType().id());
                o.longValue(g.type().id());
            } else if (imp instanceof TagImport) {
                TagType t = ((TagImport) imp).tagType();
                o.integer(t.attribute());
                o.integer(t.typeIdx());
            } else {
                throw new IllegalArgumentException("import " + imp);
            }
        }

        FunctionSection functions = m.functionSection();
        o.integer(functions.functionCount());
        for (int i = 0; i < functions.functionCount(); i++) {
            o.integer(functions.getFunctionType(i));
        }

        TableSection tables = m.tableSection();
        o.integer(tables.tableCount());
        for (int i = 0; i < tables.tableCount(); i++) {
            Table t = tables.getTable(i);
            o.longValue(t.elementType().id());
            tableLimits(o, t.limits());
            instructions(o, t.initialize());
        }

        if (m.memorySection().isPresent()) {
            MemorySection mem = m.memorySection().get();
            o.integer(mem.memoryCount());
            for (int i = 0; i < mem.memoryCount(); i++) {
                memoryLimits(o, mem.getMemory(i).limits());
            }
        } else {
            o.integer(-1);
        }

        GlobalSection globals = m.globalSection();
        o.integer(globals.globalCount());
        for (int i = 0; i < globals.globalCount(); i++) {
            Global g = globals.getGlobal(i);
            o.longValue(g.valueType().id());
            o.integer(g.mutabilityType().id());
            instructions(o, g.initInstructions());
        }

        ExportSection exports = m.exportSection();
        o.integer(exports.exportCount());
        for (int i = 0; i < exports.exportCount(); i++) {
            Export e = exports.getExport(i);
            o.string(e.name());
            o.integer(e.index());
            o.integer(e.exportType().id());
        }

        o.longValue(m.startSection().isPresent() ? m.startSection().get().startIndex() : -1);

        ElementSection elements = m.elementSection();
        o.integer(elements.elementCount());
        for (int i = 0; i < elements.elementCount(); i++) {
            Element e = elements.getElement(i);
            if (e instanceof ActiveElement) {
                o.integer(0);
                o.integer(((ActiveElement) e).tableIndex());
                instructions(o, ((ActiveElement) e).offset());
            } else if (e instanceof PassiveElement) {
                o.integer(1);
            } else if (e instanceof DeclarativeElement) {
                o.integer(2);
            } else {
                throw new IllegalArgumentException("element " + e);
            }
            o.longValue(e.type().id());
            List<List<Instruction>> inits = e.initializers();
            o.integer(inits.size());
            for (List<Instruction> init : inits) {
                instructions(o, init);
            }
        }

        DataSection data = m.dataSection();
        o.integer(data.dataSegmentCount());
        for (int i = 0; i < data.dataSegmentCount(); i++) {
            DataSegment d = data.getDataSegment(i);
            if (d instanceof ActiveDataSegment) {
                o.integer(0);
                o.longValue(((ActiveDataSegment) d).index());
                instructions(o, ((ActiveDataSegment) d).offsetInstructions());
            } else if (d instanceof PassiveDataSegment) {
                o.integer(1);
            } else {
                throw new IllegalArgumentException("data segment " + d);
            }
            o.bytes(d.data());
        }

        o.integer(m.dataCountSection().isPresent() ? m.dataCountSection().get().dataCount() : -1);

        if (m.tagSection().isPresent()) {
            TagSection tags = m.tagSection().get();
            o.integer(tags.tagCount());
            for (int i = 0; i < tags.tagCount(); i++) {
                o.integer(tags.getTag(i).attribute());
                o.integer(tags.getTag(i).typeIdx());
            }
        } else {
            o.integer(-1);
        }

        CodeSection code = m.codeSection();
        o.integer(code.functionBodyCount());
        o.integer(code.isRequiresDataCount() ? 1 : 0);
        return o.finish();
    }

    /**
     * The module a form describes, or null if it is for another module, compiler or format, or its checksum does not
     * match. Throws (a RuntimeException) only for a form whose checksum matched but that does not read: the caller
     * treats that as unusable too.
     */
    static WasmModule decode(byte[] form, String moduleSha256, String classStamp, int wasmLength) {
        if (form.length < 8 + 8) {
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(form, 0, form.length - 8);
        ByteBuffer in = ByteBuffer.wrap(form);
        if (in.getLong(form.length - 8) != crc.getValue()) {
            return null;
        }
        in.limit(form.length - 8);
        try {
            if (in.getLong() != MAGIC || in.getInt() != FORMAT || !string(in).equals(classStamp)
                    || !string(in).equals(moduleSha256) || in.getInt() != wasmLength) {
                return null;
            }
            return read(in);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated", e);
        }
    }

    private static WasmModule read(ByteBuffer in) {
        TypeSection.Builder types = TypeSection.builder();
        int typeCount = count(in);
        for (int i = 0; i < typeCount; i++) {
            types.addFunctionType(FunctionType.of(valTypes(in), valTypes(in)));
        }

        ImportSection.Builder imports = ImportSection.builder();
        int importCount = count(in);
        for (int i = 0; i < importCount; i++) {
            ExternalType kind = ExternalType.byId(in.getInt());
            String module = string(in);
            String name = string(in);
            switch (kind) {
                case FUNCTION:
                    imports.addImport(new FunctionImport(module, name, in.getInt()));
                    break;
                case TABLE:
                    ValType entry = valType(in.getLong());
                    imports.addImport(new TableImport(module, name, entry, tableLimits(in)));
                    break;
                case MEMORY:
                    imports.addImport(new MemoryImport(module, name, memoryLimits(in)));
                    break;
                case GLOBAL:
                    MutabilityType mutability = MutabilityType.forId(in.getInt());
                    imports.addImport(new GlobalImport(module, name, mutability, valType(in.getLong())));
                    break;
                case TAG:
                    byte attribute = (byte) in.getInt();
                    imports.addImport(new TagImport(module, name, attribute, in.getInt()));
                    break;
                default:
                    throw new IllegalArgumentException("import kind " + kind);
            }
        }

        FunctionSection.Builder functions = FunctionSection.builder();
        int functionCount = count(in);
        for (int i = 0; i < functionCount; i++) {
            functions.addFunctionType(in.getInt());
        }

        TableSection.Builder tables = TableSection.builder();
        int tableCount = count(in);
        for (int i = 0; i < tableCount; i++) {
            ValType type = valType(in.getLong());
            TableLimits limits = tableLimits(in);
            tables.addTable(new Table(type, limits, instructions(in)));
        }

        MemorySection memory = null;
        int memoryCount = in.getInt();
        if (memoryCount >= 0) {
            MemorySection.Builder b = MemorySection.builder();
            for (int i = 0; i < memoryCount; i++) {
                b.addMemory(new Memory(memoryLimits(in)));
            }
            memory = b.build();
        }

        GlobalSection.Builder globals = GlobalSection.builder();
        int globalCount = count(in);
        for (int i = 0; i < globalCount; i++) {
            ValType type = valType(in.getLong());
            MutabilityType mutability = MutabilityType.forId(in.getInt());
            globals.addGlobal(new Global(type, mutability, instructions(in)));
        }

        ExportSection.Builder exports = ExportSection.builder();
        int exportCount = count(in);
        for (int i = 0; i < exportCount; i++) {
            String name = string(in);
            int index = in.getInt();
            exports.addExport(new Export(name, index, ExternalType.byId(in.getInt())));
        }

        long start = in.getLong();

        ElementSection.Builder elements = ElementSection.builder();
        int elementCount = count(in);
        for (int i = 0; i < elementCount; i++) {
            int kind = in.getInt();
            int table = 0;
            List<Instruction> offset = null;
            if (kind == 0) {
                table = in.getInt();
                offset = instructions(in);
            }
            ValType type = valType(in.getLong());
            int n = count(in);
            List<List<Instruction>> inits = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                inits.add(instructions(in));
            }
            switch (kind) {
                case 0:
                    elements.addElement(new ActiveElement(type, inits, table, offset));
                    break;
                case 1:
                    elements.addElement(new PassiveElement(type, inits));
                    break;
                case 2:
                    elements.addElement(new DeclarativeElement(type, inits));
                    break;
                default:
                    throw new IllegalArgumentException("element kind " + kind);
            }
        }

        DataSection.Builder data = DataSection.builder();
        int dataCount = count(in);
        for (int i = 0; i < dataCount; i++) {
            int kind = in.getInt();
            if (kind == 0) {
                long index = in.getLong();
                List<Instruction> offset = instructions(in);
                data.addDataSegment(new ActiveDataSegment(index, offset, bytes(in)));
            } else if (kind == 1) {
                data.addDataSegment(new PassiveDataSegment(bytes(in)));
            } else {
                throw new IllegalArgumentException("data segment kind " + kind);
            }
        }

        int declaredDataCount = in.getInt();
        TagSection tags = null;
        int tagCount = in.getInt();
        if (tagCount >= 0) {
            TagSection.Builder b = TagSection.builder();
            for (int i = 0; i < tagCount; i++) {
                byte attribute = (byte) in.getInt();
                b.addTagType(new TagType(attribute, in.getInt()));
            }
            tags = b.build();
        }

        int bodies = in.getInt();
        if (bodies != functionCount) {
            throw new IllegalArgumentException("function and code section have inconsistent lengths");
        }
        boolean requiresDataCount = in.getInt() != 0;
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("trailing bytes");
        }
        WasmModule.Builder b = WasmModule.builder()
                .withValidation(false) // validated when the form was written; the empty bodies would not type-check
                .setTypeSection(types.build())
                .setImportSection(imports.build())
                .setFunctionSection(functions.build())
                .setTableSection(tables.build())
                .setGlobalSection(globals.build())
                .setExportSection(exports.build())
                .setElementSection(elements.build())
                .setCodeSection(InstantiationRecipe.compiledBodies(bodies, requiresDataCount))
                .setDataSection(data.build());
        if (memory != null) {
            b.setMemorySection(memory);
        }
        if (start >= 0) {
            b.setStartSection(StartSection.builder().setStartIndex(start).build());
        }
        if (declaredDataCount >= 0) {
            b.setDataCountSection(DataCountSection.builder().withDataCount(declaredDataCount).build());
        }
        if (tags != null) {
            b.setTagSection(tags);
        }
        return b.build();
    }

    private static void valTypes(Out o, List<ValType> types) {
        o.integer(types.size());
        for (ValType t : types) {
            o.longValue(t.id());
        }
    }

    private static List<ValType> valTypes(ByteBuffer in) {
        int n = count(in);
        ValType[] types = new ValType[n];
        for (int i = 0; i < n; i++) {
            types[i] = valType(in.getLong());
        }
        return Arrays.asList(types);
    }

    private static ValType valType(long id) {
        return ValType.builder().fromId(id).build();
    }

    private static void tableLimits(Out o, TableLimits l) {
        o.longValue(l.min());
        o.longValue(l.max());
        o.integer(l.shared() ? 1 : 0);
    }

    private static TableLimits tableLimits(ByteBuffer in) {
        long min = in.getLong();
        long max = in.getLong();
        return new TableLimits(min, max, in.getInt() != 0);
    }

    private static void memoryLimits(Out o, MemoryLimits l) {
        o.integer(l.initialPages());
        o.integer(l.maximumPages());
        o.integer(l.shared() ? 1 : 0);
    }

    private static MemoryLimits memoryLimits(ByteBuffer in) {
        int initial = in.getInt();
        int maximum = in.getInt();
        return new MemoryLimits(initial, maximum, in.getInt() != 0);
    }

    private static void instructions(Out o, List<Instruction> list) {
        if (list == null) {
            o.integer(-1);
            return;
        }
        o.integer(list.size());
        for (Instruction ins : list) {
            o.integer(ins.address());
            o.integer(ins.opcode().opcode());
            long[] operands = ins.operands();
            o.integer(operands.length);
            for (long v : operands) {
                o.longValue(v);
            }
        }
    }

    private static List<Instruction> instructions(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0) {
            return null;
        }
        checkCount(in, n);
        List<Instruction> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int address = in.getInt();
            OpCode op = OpCode.byOpCode(in.getInt());
            if (op == null) {
                throw new IllegalArgumentException("unknown opcode");
            }
            int k = count(in);
            long[] operands = k == 0 ? Instruction.EMPTY_OPERANDS : new long[k];
            for (int j = 0; j < k; j++) {
                operands[j] = in.getLong();
            }
            list.add(new Instruction(address, op, operands));
        }
        return list;
    }

    /** A count, never more than the bytes left (so a damaged count cannot ask for a huge array). */
    private static int count(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0) {
            throw new IllegalArgumentException("negative count");
        }
        checkCount(in, n);
        return n;
    }

    private static void checkCount(ByteBuffer in, int n) {
        if (n > in.remaining()) {
            throw new IllegalArgumentException("count " + n + " beyond the end");
        }
    }

    private static String string(ByteBuffer in) {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer in) {
        byte[] b = new byte[count(in)];
        in.get(b);
        return b;
    }

    /** The writer: big-endian, as ByteBuffer reads, a CRC-32 of everything at the end. */
    private static final class Out {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void integer(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }

        void longValue(long v) {
            integer((int) (v >>> 32));
            integer((int) v);
        }

        void bytes(byte[] b) {
            integer(b.length);
            out.write(b, 0, b.length);
        }

        void string(String s) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }

        byte[] finish() {
            CRC32 crc = new CRC32();
            byte[] body = out.toByteArray();
            crc.update(body, 0, body.length);
            longValue(crc.getValue());
            return out.toByteArray();
        }
    }
}
