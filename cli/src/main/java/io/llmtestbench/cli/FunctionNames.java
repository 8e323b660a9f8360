package io.llmtestbench.cli;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.NameCustomSection;
import java.util.Optional;

/**
 * The names of a module's functions, from its {@code name} custom section (which compilers emit unless the
 * module is stripped), so that {@code inspect} can say which source function is too large. Rust's legacy
 * mangled names ({@code _ZN4core3fmt5write17h…E}) are shown demangled ({@code core::fmt::write}).
 */
final class FunctionNames {
    private final NameCustomSection names;

    private FunctionNames(NameCustomSection names) {
        this.names = names;
    }

    /** The names of {@code module} (null: not parsed), possibly none. */
    static FunctionNames of(WasmModule module) {
        NameCustomSection s = null;
        if (module != null) {
            try {
                s = module.nameSection();
            } catch (RuntimeException e) {
                s = null; // a malformed name section names nothing; the module may still be valid
            }
        }
        return new FunctionNames(s);
    }

    /** Whether the module has a name section naming at least one function. */
    boolean present() {
        return names != null && names.functionNameCount() > 0;
    }

    /** The name of function {@code index} (the function index space: imports first), demangled; empty when unnamed. */
    Optional<String> of(int index) {
        if (names == null || index < 0) {
            return Optional.empty();
        }
        String raw = names.nameOfFunction(index);
        return raw == null || raw.isEmpty() ? Optional.empty() : Optional.of(demangle(raw));
    }

    /**
     * A Rust legacy-mangled symbol ({@code _ZN} + length-prefixed path components + {@code E}, the last component
     * a {@code h<16 hex digits>} hash) as its path, {@code a::b::c}; any other name unchanged (C names, C++
     * symbols, Rust v0 symbols).
     */
    static String demangle(String name) {
        if (!name.startsWith("_ZN") || !name.endsWith("E")) {
            return name;
        }
        StringBuilder out = new StringBuilder();
        int i = 3;
        int end = name.length() - 1;
        while (i < end) {
            int j = i;
            while (j < end && Character.isDigit(name.charAt(j))) {
                j++;
            }
            if (j == i) {
                return name;
            }
            int len;
            try {
                len = Integer.parseInt(name.substring(i, j));
            } catch (NumberFormatException e) {
                return name;
            }
            if (len == 0 || j + len > end) {
                return name;
            }
            String part = name.substring(j, j + len);
            i = j + len;
            if (i == end && part.length() == 17 && part.charAt(0) == 'h' && part.substring(1).chars().allMatch(
                    c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                break; // the hash
            }
            if (out.length() > 0) {
                out.append("::");
            }
            out.append(unescape(part));
        }
        return out.length() == 0 ? name : out.toString();
    }

    private static final String[][] ESCAPES = {
        {"$SP$", "@"}, {"$BP$", "*"}, {"$RF$", "&"}, {"$LT$", "<"}, {"$GT$", ">"}, {"$LP$", "("}, {"$RP$", ")"}, {"$C$", ","},
        {"$u20$", " "}, {"$u22$", "\""}, {"$u27$", "'"}, {"$u2b$", "+"}, {"$u3b$", ";"}, {"$u5b$", "["}, {"$u5d$", "]"},
        {"$u7b$", "{"}, {"$u7d$", "}"}, {"$u7e$", "~"},
    };

    private static String unescape(String part) {
        String s = part.startsWith("_$") ? part.substring(1) : part;
        s = s.replace("..", "::");
        for (String[] e : ESCAPES) {
            s = s.replace(e[0], e[1]);
        }
        return s;
    }
}
