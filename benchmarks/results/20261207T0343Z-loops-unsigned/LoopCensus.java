package io.llmtestbench.compiler.internal.gen;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.*;
import io.llmtestbench.compiler.internal.CostModel;
import java.nio.file.*; import java.util.*;
public class LoopCensus { public static void main(String[] a) throws Exception {
  for (String f : a) {
    var m = Parser.parse(Files.readAllBytes(Path.of(f)));
    int imports = m.importSection().count(ExternalType.FUNCTION);
    int total=0, counted=0;
    for (int i = 0; i < m.codeSection().functionBodyCount(); i++) {
      var body = m.codeSection().getFunctionBody(i);
      var code = new ArrayList<>(body.instructions());
      var type = m.typeSection().getType(m.functionSection().getFunctionType(i));
      List<ValType> lt = new ArrayList<>(type.params()); lt.addAll(body.localTypes());
      var found = CountedLoops.find(code, lt.toArray(new ValType[0]), CostModel.plan(code).charge());
      int[] end = CountedLoops.matchEnds(code);
      for (int j = 0; j < code.size(); j++) if (code.get(j).opcode()==OpCode.LOOP) {
        total++; boolean c = found.containsKey(j); if (c) counted++;
        if (a.length==1) {
          int inner=0, calls=0, backs=0, brif=0; int depth=0;
          for (int k=j+1;k<end[j];k++){ var op=code.get(k).opcode(); if(op==OpCode.LOOP)inner++; if(op==OpCode.CALL||op==OpCode.CALL_INDIRECT)calls++;
            if(op==OpCode.BLOCK||op==OpCode.IF||op==OpCode.LOOP)depth++; if(op==OpCode.END)depth--;
            if((op==OpCode.BR||op==OpCode.BR_IF)&&code.get(k).operand(0)==depth){backs++; if(op==OpCode.BR_IF)brif++;}}
          System.out.printf("f%d loop@%d len=%d counted=%s inner=%d calls=%d backedges=%d(br_if %d)%n", i+imports, j, end[j]-j, c, inner, calls, backs, brif);
        }
      }
    }
    System.out.printf("%s: %d loops, %d counted%n", Path.of(f).getFileName(), total, counted);
  }
}}
