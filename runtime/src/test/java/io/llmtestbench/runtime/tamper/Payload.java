package io.llmtestbench.runtime.tamper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Attacks a tampered class can carry: each, if it ran with the host's permissions, creates a marker file (by
 * writing it, or through a process, reflection, method handles, {@code Unsafe}, or a class it defines from bytes
 * that are only data to a verifier). Straight-line code only, so no stack-map frames are needed. Each payload is
 * proven live by running it outside the sandbox first (see {@code TamperedJarTest}).
 */
public enum Payload {
    FILE_OUTPUT_STREAM("java.io.FileOutputStream") {
        @Override
        void emit(Site s) {
            writeMarker(s.code, s.marker);
        }
    },
    NIO_FILES("java.nio.file.") {
        @Override
        void emit(Site s) {
            s.code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/nio/file/FileSystems", "getDefault",
                    "()Ljava/nio/file/FileSystem;", false));
            s.code.add(new LdcInsnNode(s.marker));
            s.code.add(new InsnNode(Opcodes.ICONST_0));
            s.code.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/lang/String"));
            s.code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/nio/file/FileSystem", "getPath",
                    "(Ljava/lang/String;[Ljava/lang/String;)Ljava/nio/file/Path;", false));
            s.code.add(new InsnNode(Opcodes.ICONST_0));
            s.code.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/nio/file/attribute/FileAttribute"));
            s.code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/nio/file/Files", "createFile",
                    "(Ljava/nio/file/Path;[Ljava/nio/file/attribute/FileAttribute;)Ljava/nio/file/Path;", false));
            s.code.add(new InsnNode(Opcodes.POP));
        }
    },
    RUNTIME_EXEC("java.lang.Runtime") {
        @Override
        void emit(Site s) {
            s.code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Runtime", "getRuntime", "()Ljava/lang/Runtime;", false));
            touchArgs(s);
            s.code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Runtime", "exec", "([Ljava/lang/String;)Ljava/lang/Process;", false));
            s.code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Process", "waitFor", "()I", false));
            s.code.add(new InsnNode(Opcodes.POP));
        }
    },
    PROCESS_BUILDER("java.lang.ProcessBuilder") {
        @Override
        void emit(Site s) {
            s.code.add(new TypeInsnNode(Opcodes.NEW, "java/lang/ProcessBuilder"));
            s.code.add(new InsnNode(Opcodes.DUP));
            touchArgs(s);
            s.code.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/lang/ProcessBuilder", "<init>", "([Ljava/lang/String;)V", false));
            s.code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/ProcessBuilder", "start", "()Ljava/lang/Process;", false));
            s.code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Process", "waitFor", "()I", false));
            s.code.add(new InsnNode(Opcodes.POP));
        }
    },
    /** Everything by name: Class.forName, Constructor.newInstance, Method.invoke. */
    REFLECTION("java.lang.Class") {
        @Override
        void emit(Site s) {
            InsnList c = s.code;
            c.add(new LdcInsnNode("java.io.FileOutputStream"));
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Class", "forName", "(Ljava/lang/String;)Ljava/lang/Class;", false));
            c.add(new InsnNode(Opcodes.ICONST_1));
            c.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/lang/Class"));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new InsnNode(Opcodes.ICONST_0));
            c.add(new LdcInsnNode(Type.getType(String.class)));
            c.add(new InsnNode(Opcodes.AASTORE));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getConstructor",
                    "([Ljava/lang/Class;)Ljava/lang/reflect/Constructor;", false));
            c.add(new InsnNode(Opcodes.ICONST_1));
            c.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/lang/Object"));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new InsnNode(Opcodes.ICONST_0));
            c.add(new LdcInsnNode(s.marker));
            c.add(new InsnNode(Opcodes.AASTORE));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Constructor", "newInstance",
                    "([Ljava/lang/Object;)Ljava/lang/Object;", false));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Object", "getClass", "()Ljava/lang/Class;", false));
            c.add(new LdcInsnNode("close"));
            c.add(new InsnNode(Opcodes.ICONST_0));
            c.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/lang/Class"));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getMethod",
                    "(Ljava/lang/String;[Ljava/lang/Class;)Ljava/lang/reflect/Method;", false));
            c.add(new InsnNode(Opcodes.SWAP));
            c.add(new InsnNode(Opcodes.ICONST_0));
            c.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/lang/Object"));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Method", "invoke",
                    "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;", false));
            c.add(new InsnNode(Opcodes.POP));
        }
    },
    /** A constructor found by name through a public lookup, invoked through a method handle. */
    METHOD_HANDLES("java.lang.invoke.MethodHandles") {
        @Override
        void emit(Site s) {
            InsnList c = s.code;
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "publicLookup",
                    "()Ljava/lang/invoke/MethodHandles$Lookup;", false));
            c.add(new LdcInsnNode("java.io.FileOutputStream"));
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Class", "forName", "(Ljava/lang/String;)Ljava/lang/Class;", false));
            c.add(new FieldInsnNode(Opcodes.GETSTATIC, "java/lang/Void", "TYPE", "Ljava/lang/Class;"));
            c.add(new LdcInsnNode(Type.getType(String.class)));
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodType", "methodType",
                    "(Ljava/lang/Class;Ljava/lang/Class;)Ljava/lang/invoke/MethodType;", false));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandles$Lookup", "findConstructor",
                    "(Ljava/lang/Class;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/MethodHandle;", false));
            c.add(new LdcInsnNode(s.marker));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invoke",
                    "(Ljava/lang/String;)Ljava/lang/AutoCloseable;", false));
            c.add(new MethodInsnNode(Opcodes.INVOKEINTERFACE, "java/lang/AutoCloseable", "close", "()V", true));
        }
    },
    /** sun.misc.Unsafe through its private field, then the file. */
    UNSAFE("sun.misc.Unsafe") {
        @Override
        void emit(Site s) {
            InsnList c = s.code;
            c.add(new LdcInsnNode(Type.getObjectType("sun/misc/Unsafe")));
            c.add(new LdcInsnNode("theUnsafe"));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getDeclaredField",
                    "(Ljava/lang/String;)Ljava/lang/reflect/Field;", false));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new InsnNode(Opcodes.ICONST_1));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Field", "setAccessible", "(Z)V", false));
            c.add(new InsnNode(Opcodes.ACONST_NULL));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Field", "get", "(Ljava/lang/Object;)Ljava/lang/Object;", false));
            c.add(new TypeInsnNode(Opcodes.CHECKCAST, "sun/misc/Unsafe"));
            c.add(new LdcInsnNode(Type.getType(Object.class)));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "sun/misc/Unsafe", "allocateInstance", "(Ljava/lang/Class;)Ljava/lang/Object;", false));
            c.add(new InsnNode(Opcodes.POP));
            writeMarker(c, s.marker);
        }
    },
    /** Lookup.defineClass: a class from bytes in the caller's loader and package, then initialised. */
    LOOKUP_DEFINE_CLASS("java.lang.invoke.MethodHandles") {
        @Override
        void emit(Site s) {
            InsnList c = s.code;
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup",
                    "()Ljava/lang/invoke/MethodHandles$Lookup;", false));
            c.add(new InsnNode(Opcodes.DUP));
            evilBytes(s, false);
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandles$Lookup", "defineClass",
                    "([B)Ljava/lang/Class;", false));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandles$Lookup", "ensureInitialized",
                    "(Ljava/lang/Class;)Ljava/lang/Class;", false));
            c.add(new InsnNode(Opcodes.POP));
        }
    },
    /** The escape of issue 12: Chicory's compiler defines classes in a loader whose parent is the application's. */
    CHICORY_COMPILER_DEFINE("com.dylibso.chicory.compiler.internal.ClassLoadingCollector") {
        @Override
        void emit(Site s) {
            InsnList c = s.code;
            String collector = "com/dylibso/chicory/compiler/internal/ClassLoadingCollector";
            c.add(new TypeInsnNode(Opcodes.NEW, collector));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, collector, "<init>", "()V", false));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new LdcInsnNode(evilName(s).replace('/', '.')));
            evilBytes(s, true);
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, collector, "putMainClass", "(Ljava/lang/String;[B)V", false));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, collector, "machineFactory", "()Ljava/util/function/Function;", false));
            c.add(new InsnNode(Opcodes.ACONST_NULL));
            c.add(new MethodInsnNode(Opcodes.INVOKEINTERFACE, "java/util/function/Function", "apply",
                    "(Ljava/lang/Object;)Ljava/lang/Object;", true));
            c.add(new InsnNode(Opcodes.POP));
        }
    },
    /** Lookup.defineHiddenClass: a hidden class from bytes, initialised at once (its static initializer runs). */
    LOOKUP_DEFINE_HIDDEN_CLASS("java.lang.invoke.MethodHandles") {
        @Override
        void emit(Site s) {
            InsnList c = s.code;
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup",
                    "()Ljava/lang/invoke/MethodHandles$Lookup;", false));
            evilBytes(s, false);
            c.add(new InsnNode(Opcodes.ICONST_1));
            c.add(new InsnNode(Opcodes.ICONST_0));
            c.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/lang/invoke/MethodHandles$Lookup$ClassOption"));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandles$Lookup", "defineHiddenClass",
                    "([BZ[Ljava/lang/invoke/MethodHandles$Lookup$ClassOption;)Ljava/lang/invoke/MethodHandles$Lookup;", false));
            c.add(new InsnNode(Opcodes.POP));
        }
    },
    /**
     * The JDK's own URLClassLoader (no subclass needed) over a directory holding the evil class file, which the
     * attacker shipped beside the jar; Class.forName initialises it.
     */
    URL_CLASS_LOADER("java.net.URLClassLoader") {
        @Override
        void emit(Site s) {
            Path dir = Path.of(s.marker + ".classes");
            try {
                Path file = dir.resolve(evilName(s) + ".class");
                Files.createDirectories(file.getParent());
                Files.write(file, evilClass(evilName(s), s.marker, false));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            InsnList c = s.code;
            c.add(new TypeInsnNode(Opcodes.NEW, "java/net/URLClassLoader"));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new InsnNode(Opcodes.ICONST_1));
            c.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/net/URL"));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new InsnNode(Opcodes.ICONST_0));
            c.add(new TypeInsnNode(Opcodes.NEW, "java/net/URL"));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new LdcInsnNode(dir.toUri().toString()));
            c.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/net/URL", "<init>", "(Ljava/lang/String;)V", false));
            c.add(new InsnNode(Opcodes.AASTORE));
            c.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/net/URLClassLoader", "<init>", "([Ljava/net/URL;)V", false));
            c.add(new LdcInsnNode(evilName(s).replace('/', '.')));
            c.add(new InsnNode(Opcodes.SWAP));
            c.add(new InsnNode(Opcodes.ICONST_1));
            c.add(new InsnNode(Opcodes.SWAP));
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                    "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false));
            c.add(new InsnNode(Opcodes.POP));
        }
    },
    /**
     * JNI: System.load of a native library whose constructor creates the marker (built with the C compiler when
     * the payload is written; without one the payload is still refused, but cannot be shown live).
     */
    JNI_SYSTEM_LOAD("java.lang.System") {
        @Override
        void emit(Site s) {
            Path lib = Path.of(s.marker + ".so");
            buildMarkerLibrary(lib, s.marker);
            s.code.add(new LdcInsnNode(lib.toAbsolutePath().toString()));
            s.code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/System", "load", "(Ljava/lang/String;)V", false));
        }
    },
    /** Chicory's public compiler (MachineFactoryCompiler) defines classes compiled from a wasm module; then the file. */
    CHICORY_MACHINE_FACTORY_COMPILER("java.lang.String.getBytes", "com.dylibso.chicory.wasm.Parser",
            "com.dylibso.chicory.compiler.MachineFactoryCompiler") {
        @Override
        void emit(Site s) {
            InsnList c = s.code;
            c.add(new LdcInsnNode("\0asm\1\0\0\0"));
            c.add(new LdcInsnNode("ISO-8859-1"));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/String", "getBytes", "(Ljava/lang/String;)[B", false));
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "com/dylibso/chicory/wasm/Parser", "parse",
                    "([B)Lcom/dylibso/chicory/wasm/WasmModule;", false));
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "com/dylibso/chicory/compiler/MachineFactoryCompiler", "compile",
                    "(Lcom/dylibso/chicory/wasm/WasmModule;)Ljava/util/function/Function;", false));
            c.add(new InsnNode(Opcodes.POP));
            writeMarker(c, s.marker);
        }
    },
    /** A class of the jar that extends ClassLoader and defines the evil class with the application loader as parent. */
    CLASS_LOADER_SUBCLASS("java.lang.ClassLoader") {
        @Override
        void emit(Site s) {
            String pkg = s.packagePrefix();
            String loader = pkg + "ALoader";
            var node = new ClassNode();
            node.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, loader, null, "java/lang/ClassLoader", null);
            MethodNode init = new MethodNode(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
            init.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
            init.instructions.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/lang/ClassLoader", "<init>", "()V", false));
            init.instructions.add(new InsnNode(Opcodes.RETURN));
            node.methods.add(init);
            MethodNode define = new MethodNode(Opcodes.ACC_PUBLIC, "define", "([B)Ljava/lang/Class;", null, null);
            define.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
            define.instructions.add(new InsnNode(Opcodes.ACONST_NULL));
            define.instructions.add(new VarInsnNode(Opcodes.ALOAD, 1));
            define.instructions.add(new InsnNode(Opcodes.ICONST_0));
            define.instructions.add(new VarInsnNode(Opcodes.ALOAD, 1));
            define.instructions.add(new InsnNode(Opcodes.ARRAYLENGTH));
            define.instructions.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/ClassLoader", "defineClass",
                    "(Ljava/lang/String;[BII)Ljava/lang/Class;", false));
            define.instructions.add(new InsnNode(Opcodes.ARETURN));
            node.methods.add(define);
            s.extraClass.accept(loader, node);
            InsnList c = s.code;
            c.add(new TypeInsnNode(Opcodes.NEW, loader));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, loader, "<init>", "()V", false));
            c.add(new InsnNode(Opcodes.DUP));
            evilBytes(s, false);
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, loader, "define", "([B)Ljava/lang/Class;", false));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getName", "()Ljava/lang/String;", false));
            c.add(new InsnNode(Opcodes.SWAP));
            c.add(new InsnNode(Opcodes.ICONST_1));
            c.add(new InsnNode(Opcodes.SWAP));
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                    "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false));
            c.add(new InsnNode(Opcodes.POP));
        }
    },
    /** A lambda spun by LambdaMetafactory (invokedynamic) whose body writes the file. */
    LAMBDA_METAFACTORY("invokedynamic") {
        @Override
        void emit(Site s) {
            MethodNode body = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "llmtb$lambda", "()V", null, null);
            writeMarker(body.instructions, s.marker);
            body.instructions.add(new InsnNode(Opcodes.RETURN));
            s.laterMethods.add(body);
            Handle bsm = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory", "metafactory",
                    "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodType;"
                            + "Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)Ljava/lang/invoke/CallSite;", false);
            s.code.add(new InvokeDynamicInsnNode("run", "()Ljava/lang/Runnable;", bsm, Type.getType("()V"),
                    new Handle(Opcodes.H_INVOKESTATIC, s.host.name, "llmtb$lambda", "()V", false), Type.getType("()V")));
            s.code.add(new MethodInsnNode(Opcodes.INVOKEINTERFACE, "java/lang/Runnable", "run", "()V", true));
        }
    },
    /** java.beans.XMLDecoder instantiates any class and calls any method an XML document names. */
    XML_DECODER("java.beans.XMLDecoder") {
        @Override
        void emit(Site s) {
            InsnList c = s.code;
            String xml = "<java><object class=\"java.io.FileOutputStream\"><string>" + s.marker
                    + "</string><void method=\"close\"/></object></java>";
            c.add(new TypeInsnNode(Opcodes.NEW, "java/beans/XMLDecoder"));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new TypeInsnNode(Opcodes.NEW, "java/io/ByteArrayInputStream"));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new LdcInsnNode(xml));
            c.add(new LdcInsnNode("UTF-8"));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/String", "getBytes", "(Ljava/lang/String;)[B", false));
            c.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/io/ByteArrayInputStream", "<init>", "([B)V", false));
            c.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/beans/XMLDecoder", "<init>", "(Ljava/io/InputStream;)V", false));
            c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/beans/XMLDecoder", "readObject", "()Ljava/lang/Object;", false));
            c.add(new InsnNode(Opcodes.POP));
        }
    },
    /** java.lang.reflect.Proxy: defines a proxy class in the application's loader; then the file. */
    PROXY("java.lang.reflect.Proxy", "java.lang.ClassLoader") {
        @Override
        void emit(Site s) {
            InsnList c = s.code;
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/ClassLoader", "getSystemClassLoader", "()Ljava/lang/ClassLoader;", false));
            c.add(new InsnNode(Opcodes.ICONST_1));
            c.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/lang/Class"));
            c.add(new InsnNode(Opcodes.DUP));
            c.add(new InsnNode(Opcodes.ICONST_0));
            c.add(new LdcInsnNode(Type.getType(Runnable.class)));
            c.add(new InsnNode(Opcodes.AASTORE));
            c.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/reflect/Proxy", "getProxyClass",
                    "(Ljava/lang/ClassLoader;[Ljava/lang/Class;)Ljava/lang/Class;", false));
            c.add(new InsnNode(Opcodes.POP));
            writeMarker(c, s.marker);
        }
    },
    SERVICE_LOADER("java.util.ServiceLoader", "java.lang.Runnable") {
        @Override
        void emit(Site s) {
            s.code.add(new LdcInsnNode(Type.getType(Runnable.class)));
            s.code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/util/ServiceLoader", "load",
                    "(Ljava/lang/Class;)Ljava/util/ServiceLoader;", false));
            s.code.add(new InsnNode(Opcodes.POP));
            writeMarker(s.code, s.marker);
        }
    },
    JNDI("javax.naming.InitialContext") {
        @Override
        void emit(Site s) {
            s.code.add(new TypeInsnNode(Opcodes.NEW, "javax/naming/InitialContext"));
            s.code.add(new InsnNode(Opcodes.DUP));
            s.code.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "javax/naming/InitialContext", "<init>", "()V", false));
            s.code.add(new InsnNode(Opcodes.POP));
            writeMarker(s.code, s.marker);
        }
    },
    SCRIPTING("javax.script.ScriptEngineManager") {
        @Override
        void emit(Site s) {
            s.code.add(new TypeInsnNode(Opcodes.NEW, "javax/script/ScriptEngineManager"));
            s.code.add(new InsnNode(Opcodes.DUP));
            s.code.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "javax/script/ScriptEngineManager", "<init>", "()V", false));
            s.code.add(new InsnNode(Opcodes.POP));
            writeMarker(s.code, s.marker);
        }
    },
    JAVA_COMPILER("javax.tools.ToolProvider") {
        @Override
        void emit(Site s) {
            s.code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "javax/tools/ToolProvider", "getSystemJavaCompiler",
                    "()Ljavax/tools/JavaCompiler;", false));
            s.code.add(new InsnNode(Opcodes.POP));
            writeMarker(s.code, s.marker);
        }
    },
    /** A thread of its own (or the host's thread object: Chicory's interruption check used to hand it out). */
    THREAD("java.lang.Thread") {
        @Override
        void emit(Site s) {
            s.code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Thread", "currentThread", "()Ljava/lang/Thread;", false));
            s.code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/Thread", "getContextClassLoader", "()Ljava/lang/ClassLoader;", false));
            s.code.add(new InsnNode(Opcodes.POP));
            writeMarker(s.code, s.marker);
        }
    },
    /** Chicory's runtime off the list: a Store links and instantiates modules with arbitrary host functions. */
    CHICORY_STORE("com.dylibso.chicory.runtime.Store") {
        @Override
        void emit(Site s) {
            s.code.add(new TypeInsnNode(Opcodes.NEW, "com/dylibso/chicory/runtime/Store"));
            s.code.add(new InsnNode(Opcodes.DUP));
            s.code.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "com/dylibso/chicory/runtime/Store", "<init>", "()V", false));
            s.code.add(new InsnNode(Opcodes.POP));
            writeMarker(s.code, s.marker);
        }
    },
    /** A member of an allowed class that is not itself allowed: Integer.getInteger reads a system property. */
    ALLOWED_CLASS_OTHER_MEMBER("java.lang.Integer.getInteger") {
        @Override
        void emit(Site s) {
            s.code.add(new LdcInsnNode("user.home"));
            s.code.add(new MethodInsnNode(Opcodes.INVOKESTATIC, "java/lang/Integer", "getInteger",
                    "(Ljava/lang/String;)Ljava/lang/Integer;", false));
            s.code.add(new InsnNode(Opcodes.POP));
            writeMarker(s.code, s.marker);
        }
    };

    /**
     * Names of which the refusal message must mention one: the API the payload abuses, or what it needs first to
     * call it (the verifier reports the first reference off the list).
     */
    public final List<String> forbidden;

    Payload(String... forbidden) {
        this.forbidden = List.of(forbidden);
    }

    /** Adds the payload's instructions to {@code s.code} (and any classes or methods it needs through {@code s}). */
    abstract void emit(Site s);

    /** Where a payload is written: the class hosting it, its code, and where extra parts go. */
    public static final class Site {
        public final ClassNode host;
        public final InsnList code;
        public final String marker;
        /** Own classes the payload needs (name, node), added to the jar (and its manifest) or the control loader. */
        public final BiConsumer<String, ClassNode> extraClass;
        /** Methods to add to the host after the payload method. */
        public final List<MethodNode> laterMethods = new java.util.ArrayList<>();

        public Site(ClassNode host, InsnList code, String marker, BiConsumer<String, ClassNode> extraClass) {
            this.host = host;
            this.code = code;
            this.marker = marker;
            this.extraClass = extraClass;
        }

        String packagePrefix() {
            int slash = host.name.lastIndexOf('/');
            return slash < 0 ? "" : host.name.substring(0, slash + 1);
        }
    }

    /**
     * Adds a public static method {@code llmtb$payload()V} with this payload to {@code host} and returns it.
     */
    public MethodNode install(ClassNode host, String marker, BiConsumer<String, ClassNode> extraClass) {
        MethodNode m = new MethodNode(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "llmtb$payload", "()V", null, null);
        Site s = new Site(host, m.instructions, marker, extraClass);
        emit(s);
        m.instructions.add(new InsnNode(Opcodes.RETURN));
        host.methods.add(m);
        host.methods.addAll(s.laterMethods);
        return m;
    }

    /** Whether {@link #JNI_SYSTEM_LOAD}'s library can be built here (a C compiler on the PATH). */
    static boolean nativeToolchain() {
        try {
            return new ProcessBuilder("cc", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A shared library whose constructor creates {@code marker}; nothing if there is no C compiler. */
    private static void buildMarkerLibrary(Path lib, String marker) {
        if (!nativeToolchain()) {
            return;
        }
        try {
            Path src = Path.of(lib + ".c");
            Files.writeString(src, "#include <stdio.h>\n__attribute__((constructor)) static void llmtb_marker(void) {"
                    + " FILE *f = fopen(\"" + marker.replace("\\", "\\\\").replace("\"", "\\\"") + "\", \"w\"); if (f) fclose(f); }\n");
            Process p = new ProcessBuilder("cc", "-shared", "-fPIC", "-o", lib.toString(), src.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("cc failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void writeMarker(InsnList c, String marker) {
        c.add(new TypeInsnNode(Opcodes.NEW, "java/io/FileOutputStream"));
        c.add(new InsnNode(Opcodes.DUP));
        c.add(new LdcInsnNode(marker));
        c.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/io/FileOutputStream", "<init>", "(Ljava/lang/String;)V", false));
        c.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/io/FileOutputStream", "close", "()V", false));
    }

    private static void touchArgs(Site s) {
        s.code.add(new InsnNode(Opcodes.ICONST_2));
        s.code.add(new TypeInsnNode(Opcodes.ANEWARRAY, "java/lang/String"));
        s.code.add(new InsnNode(Opcodes.DUP));
        s.code.add(new InsnNode(Opcodes.ICONST_0));
        s.code.add(new LdcInsnNode("touch"));
        s.code.add(new InsnNode(Opcodes.AASTORE));
        s.code.add(new InsnNode(Opcodes.DUP));
        s.code.add(new InsnNode(Opcodes.ICONST_1));
        s.code.add(new LdcInsnNode(s.marker));
        s.code.add(new InsnNode(Opcodes.AASTORE));
    }

    static String evilName(Site s) {
        return s.packagePrefix() + "Evil";
    }

    /** Pushes the bytes of a class whose static initializer writes the marker, kept in a string constant. */
    private static void evilBytes(Site s, boolean machine) {
        byte[] bytes = evilClass(evilName(s), s.marker, machine);
        s.code.add(new LdcInsnNode(new String(bytes, StandardCharsets.ISO_8859_1)));
        s.code.add(new LdcInsnNode("ISO-8859-1"));
        s.code.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, "java/lang/String", "getBytes", "(Ljava/lang/String;)[B", false));
    }

    /** A class whose static initializer writes the marker; as Chicory's Machine (constructor taking an Instance) if asked. */
    static byte[] evilClass(String name, String marker, boolean machine) {
        var node = new ClassNode();
        node.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, name, null, "java/lang/Object",
                machine ? new String[] {"com/dylibso/chicory/runtime/Machine"} : null);
        MethodNode clinit = new MethodNode(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
        writeMarker(clinit.instructions, marker);
        clinit.instructions.add(new InsnNode(Opcodes.RETURN));
        node.methods.add(clinit);
        MethodNode init = new MethodNode(Opcodes.ACC_PUBLIC, "<init>",
                machine ? "(Lcom/dylibso/chicory/runtime/Instance;)V" : "()V", null, null);
        init.instructions.add(new VarInsnNode(Opcodes.ALOAD, 0));
        init.instructions.add(new MethodInsnNode(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false));
        init.instructions.add(new InsnNode(Opcodes.RETURN));
        node.methods.add(init);
        if (machine) {
            MethodNode call = new MethodNode(Opcodes.ACC_PUBLIC, "call", "(I[J)[J", null, null);
            call.instructions.add(new InsnNode(Opcodes.ACONST_NULL));
            call.instructions.add(new InsnNode(Opcodes.ARETURN));
            node.methods.add(call);
        }
        var w = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        node.accept(w);
        return w.toByteArray();
    }
}
