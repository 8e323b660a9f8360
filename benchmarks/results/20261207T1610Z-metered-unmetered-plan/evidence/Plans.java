package io.llmtestbench.compiler.internal.gen;
import com.dylibso.chicory.wasm.Parser;
import java.nio.file.*; import java.util.*;
/** For each wasm file: functions whose metered plan differs from the unmetered one (GenBackend.split). */
public class Plans { public static void main(String[] a) throws Exception {
  for (String file : a) {
    var module = Parser.parse(Files.readAllBytes(Path.of(file)));
    ModuleInfo mod = new ModuleInfo(module, "llmtb/gen/x/Plug");
    Layout layout = new Layout(mod, 1024);
    int split = 0, diff = 0; StringBuilder out = new StringBuilder();
    for (int f = mod.importedFunctions; f < mod.functionCount; f++) {
      boolean old = Boolean.getBoolean("old");
      var m = old ? old(layout, f, true) : GenBackend.split(layout, f, true, false);
      var u = old ? old(layout, f, false) : GenBackend.split(layout, f, false, false);
      String ms = key(m), us = key(u);
      if (m.plan != null || u.plan != null) split++;
      if (!ms.equals(us)) { diff++; out.append("  func_").append(f).append("\n    M ").append(desc(m)).append("\n    U ").append(desc(u)).append('\n'); }
      else if (m.plan != null) out.append("  func_").append(f).append(" same: M ").append(desc(m)).append("\n    U ").append(desc(u)).append('\n');
    }
    System.out.println(Path.of(file).getFileName() + ": " + split + " split, " + diff + " plans differ");
    System.out.print(out);
  }
}
static java.lang.reflect.Method EST, CS, LARGEST, EMIT;
static { try {
  EST = GenBackend.class.getDeclaredMethod("estimate", org.objectweb.asm.tree.MethodNode.class); EST.setAccessible(true);
  CS = GenBackend.class.getDeclaredMethod("codeSize", org.objectweb.asm.tree.MethodNode.class, boolean.class); CS.setAccessible(true);
  LARGEST = GenBackend.class.getDeclaredMethod("largest", List.class, boolean.class); LARGEST.setAccessible(true);
  EMIT = GenBackend.class.getDeclaredMethod("emit", Layout.class, int.class, boolean.class, Splitter.Plan.class); EMIT.setAccessible(true);
} catch (Exception e) { throw new RuntimeException(e); } }
/** main 85ed5c8's GenBackend.methods, returning the plan too: everything planned on the metered code when metered. */
@SuppressWarnings("unchecked")
static GenBackend.Split old(Layout layout, int f, boolean metered) throws Exception {
  ModuleInfo mod = layout.mod;
  var whole = new FunctionEmitter(mod, layout, f, metered, null, null, null).emit();
  var code = mod.body(f);
  int[] loopDepth = GenBackend.loopDepths(code);
  boolean nested = false;
  for (int i = 0; i < code.size() && !nested; i++) nested = code.get(i).opcode() == com.dylibso.chicory.wasm.types.OpCode.LOOP && loopDepth[i] > 0;
  if ((int) EST.invoke(null, whole) <= (nested ? GenBackend.PHASE_SPLIT : Splitter.HUGE_METHOD_LIMIT)) return new GenBackend.Split(List.of(whole), null);
  var measure = new Splitter.Measure(code.size());
  var measuring = new FunctionEmitter(mod, layout, f, metered, null, null, measure);
  var measured = measuring.emit();
  int size = (int) CS.invoke(null, measured, false);
  measuring.recordOffsets();
  if (size <= GenBackend.PHASE_SPLIT) return new GenBackend.Split(List.of(measured), null);
  int locals = mod.functionType(f).params().size() + mod.module.codeSection().getFunctionBody(f - mod.importedFunctions).localTypes().size();
  if (nested) {
    var plan = Splitter.plan(code, measure, GenBackend.PHASE_SPLIT * 7 / 8, mod, locals);
    if (plan.regions.size() >= 2 && GenBackend.eachPartIsAPhase(code, loopDepth, plan)) {
      var phases = (List<org.objectweb.asm.tree.MethodNode>) EMIT.invoke(null, layout, f, metered, plan);
      if ((int) LARGEST.invoke(null, phases, false) <= Splitter.HUGE_METHOD_LIMIT) return new GenBackend.Split(phases, plan);
    }
  }
  if (size <= Splitter.HUGE_METHOD_LIMIT) return new GenBackend.Split(List.of(measured), null);
  int largest = size;
  for (int target = 7000; target >= 500; target = GenBackend.nextTarget(target, largest)) {
    var plan = Splitter.plan(code, measure, target, mod, locals);
    var methods = (List<org.objectweb.asm.tree.MethodNode>) EMIT.invoke(null, layout, f, metered, plan);
    largest = (int) LARGEST.invoke(null, methods, false);
    if (largest <= Splitter.HUGE_METHOD_LIMIT) return new GenBackend.Split(methods, plan);
  }
  throw new IllegalStateException();
}
static String key(GenBackend.Split s) {
  if (s.plan == null) return "one";
  StringBuilder b = new StringBuilder();
  for (var r : s.plan.regions) b.append(" [").append(r.start).append(',').append(r.end).append(r.entries).append(r.parent == null ? "" : "<" + r.parent.id).append(']');
  return b.toString();
}
static String desc(GenBackend.Split s) {
  if (s.plan == null) return "one method " + size(s.methods.get(0));
  StringBuilder b = new StringBuilder();
  b.append(s.plan.regions.size()).append(" parts; method ").append(size(s.methods.get(0))).append("; regions");
  for (var r : s.plan.regions) b.append(" [").append(r.start).append(',').append(r.end).append(r.entries > 0 ? " e" + r.entries : "").append(']');
  b.append("; sizes"); for (int i = 1; i < s.methods.size(); i++) b.append(' ').append(size(s.methods.get(i)));
  return b.toString();
}
static int size(org.objectweb.asm.tree.MethodNode m) {
  var end = new org.objectweb.asm.tree.LabelNode(); m.instructions.add(end);
  var cw = new org.objectweb.asm.ClassWriter(0); cw.visit(55, 1, "Probe", null, "java/lang/Object", null); m.accept(cw);
  m.instructions.remove(end); return end.getLabel().getOffset();
}}
