package io.llmtestbench.runtime.tamper;

import io.llmtestbench.compiler.internal.AllowedReferences;
import io.llmtestbench.compiler.internal.AllowedReferences.Ref;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fuzzer's judge of a mutant, independent of the runtime's verifier: which of the references
 * {@link ClassFileScan} reads from a plugin's class files are off the compiler's allow-list. It takes only the
 * list's data ({@link AllowedReferences#all()}) and applies the contract as the issue states it: a member is
 * used by exactly the instruction the list names it with; a type is instantiated, cast to, tested, made an array
 * of, loaded as a constant, caught, extended, implemented or declared only as listed; a class a stack-map frame
 * or a throws clause names is the plugin's own or one the list mentions anywhere; nothing else (no
 * {@code invokedynamic}, no method-handle, method-type or dynamic constant) outside the plugin's own classes.
 */
final class AllowListOracle {
    private final Set<String> allowed = new HashSet<>();
    private final Set<String> mentioned = new HashSet<>();

    AllowListOracle() {
        for (Ref r : AllowedReferences.all()) {
            String use = r.kind().name().toLowerCase(Locale.ROOT);
            allowed.add(key(use, r.owner(), r.name(), r.desc()));
            mentioned.add(element(r.owner()));
            if (r.desc() != null) {
                for (String t : objectTypes(r.desc())) {
                    mentioned.add(t);
                }
            }
        }
    }

    int size() {
        return allowed.size();
    }

    private static String key(String use, String owner, String name, String desc) {
        return name == null ? use + " " + owner : use + " " + owner + " " + name + " " + desc;
    }

    /** The element type of an array class name or descriptor, else the name itself. */
    static String element(String name) {
        if (!name.startsWith("[")) {
            return name;
        }
        String e = name.replaceFirst("^\\[+", "");
        return e.startsWith("L") ? e.substring(1, e.length() - 1) : e; // a primitive's letter
    }

    static List<String> objectTypes(String desc) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < desc.length(); i++) {
            if (desc.charAt(i) == 'L') {
                int end = desc.indexOf(';', i);
                out.add(desc.substring(i + 1, end));
                i = end;
            }
        }
        return out;
    }

    private static boolean primitive(String elementName) {
        return elementName.length() == 1;
    }

    /** Every use in these classes (binary name to bytes: the plugin's own) that the list does not allow. */
    List<ClassFileScan.Use> offList(Map<String, byte[]> classes) {
        Set<String> own = new HashSet<>();
        for (String n : classes.keySet()) {
            own.add(n.replace('.', '/'));
        }
        List<ClassFileScan.Use> off = new ArrayList<>();
        for (byte[] bytes : classes.values()) {
            for (ClassFileScan.Use u : ClassFileScan.of(bytes).uses) {
                if (!allows(u, own)) {
                    off.add(u);
                }
            }
        }
        return off;
    }

    private boolean allows(ClassFileScan.Use u, Set<String> own) {
        switch (u.use()) {
            case "monitorenter", "monitorexit":
                return true; // not a reference (the verifier refuses monitors for its own reasons)
            case "invokedynamic", "ldc-handle", "ldc-methodtype", "ldc-dynamic":
                return false;
            case "frame", "throws": {
                String e = element(u.owner());
                return primitive(e) || own.contains(e) || mentioned.contains(e);
            }
            default:
                if (own.contains(element(u.owner()))) {
                    return true;
                }
                return allowed.contains(key(u.use(), u.owner(), u.name(), u.desc()));
        }
    }
}
