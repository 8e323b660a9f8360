package io.llmtestbench.runtime.internal.load;

import java.util.Map;
import java.util.Optional;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Checks pre-compiled classes before anything is defined: every class, field, method, constant and
 * bootstrap they reference must be one of the artifact's own classes or on the {@link ClassAllowList}.
 * A jar is JVM bytecode, trusted code unless checked; this is the check.
 */
public final class ClassReferenceVerifier {
    private ClassReferenceVerifier() {}

    /** The first forbidden reference, described, or empty when every class is clean. */
    public static Optional<String> firstViolation(Map<String, byte[]> classes) {
        java.util.Set<String> own = new java.util.HashSet<>();
        classes.keySet().forEach(n -> own.add(n.replace('.', '/')));
        for (var e : classes.entrySet()) {
            var checker = new Checker(own, e.getKey());
            try {
                new ClassReader(e.getValue()).accept(checker, ClassReader.SKIP_DEBUG);
            } catch (RuntimeException ex) {
                return Optional.of("class " + e.getKey() + " cannot be read: " + ex);
            }
            if (checker.violation != null) {
                return Optional.of(checker.violation);
            }
        }
        return Optional.empty();
    }

    private static final class Checker extends ClassVisitor {
        private final java.util.Set<String> own;
        private final String className;
        String violation;
        private String where = "";

        Checker(java.util.Set<String> own, String className) {
            super(Opcodes.ASM9);
            this.own = own;
            this.className = className;
        }

        void type(String internalName) {
            if (violation != null || internalName == null) {
                return;
            }
            String n = internalName;
            while (n.startsWith("[")) {
                n = n.substring(1);
            }
            if (n.startsWith("L") && n.endsWith(";")) {
                n = n.substring(1, n.length() - 1);
            }
            if (n.length() <= 1 || own.contains(n) || ClassAllowList.allowsClass(n)) {
                return;
            }
            violation = "class " + className + where + " references " + n.replace('/', '.') + ", which plugin code may not use";
        }

        void descriptor(String desc) {
            Type t = Type.getType(desc);
            if (t.getSort() == Type.METHOD) {
                for (Type a : t.getArgumentTypes()) {
                    descriptor(a.getDescriptor());
                }
                descriptor(t.getReturnType().getDescriptor());
            } else if (t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY) {
                type(t.getSort() == Type.ARRAY ? t.getElementType().getInternalName() : t.getInternalName());
            }
        }

        void constant(Object value) {
            if (value instanceof Type) {
                descriptor(((Type) value).getDescriptor());
            } else if (value instanceof Handle) {
                Handle h = (Handle) value;
                type(h.getOwner());
                descriptor(h.getDesc());
            } else if (value instanceof org.objectweb.asm.ConstantDynamic) {
                var cd = (org.objectweb.asm.ConstantDynamic) value;
                constant(cd.getBootstrapMethod());
                descriptor(cd.getDescriptor());
            }
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            type(superName);
            if (interfaces != null) {
                for (String i : interfaces) {
                    type(i);
                }
            }
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
            where = " (field " + name + ")";
            descriptor(descriptor);
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            where = " (method " + name + ")";
            descriptor(descriptor);
            if (exceptions != null) {
                for (String e : exceptions) {
                    type(e);
                }
            }
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitTypeInsn(int opcode, String type) {
                    type(type);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String fname, String fdesc) {
                    type(owner);
                    descriptor(fdesc);
                }

                @Override
                public void visitMethodInsn(int opcode, String owner, String mname, String mdesc, boolean itf) {
                    if (!ClassAllowList.allowsMember(owner, mname)) {
                        type(owner);
                    }
                    if (!ClassAllowList.allowsMember(owner, mname)) {
                        descriptor(mdesc);
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String iname, String idesc, Handle bsm, Object... args) {
                    descriptor(idesc);
                    constant(bsm);
                    for (Object a : args) {
                        constant(a);
                    }
                }

                @Override
                public void visitLdcInsn(Object value) {
                    constant(value);
                }

                @Override
                public void visitMultiANewArrayInsn(String mdesc, int dims) {
                    descriptor(mdesc);
                }

                @Override
                public void visitTryCatchBlock(org.objectweb.asm.Label s, org.objectweb.asm.Label e, org.objectweb.asm.Label h, String type) {
                    type(type);
                }
            };
        }
    }
}
