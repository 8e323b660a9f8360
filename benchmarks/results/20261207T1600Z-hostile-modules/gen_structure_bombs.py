import sys, subprocess
kind, n = sys.argv[1], int(sys.argv[2])
frag = [";; @name bomb_" + kind, ";; @description probe"]
body = []
if kind == "passive_data":
    body += ['(data "")'] * n
elif kind == "active_data":
    body += ['(data (i32.const %d) "x")' % (70000 + i % 60000) for i in range(n)]
elif kind == "elem":
    body.append("(table 1 funcref)")
    body += ['(elem func)'] * n
elif kind == "active_elem":
    body.append("(table 10 funcref)")
    body += ['(elem (i32.const 0) func $execute)'] * n
elif kind == "imports":
    for i in range(n):
        frag.append('(import "env" "host_log" (func $l%d (param i32 i32 i32) (result i32)))' % i)
elif kind == "exports":
    body += ['(export "e%d" (func $execute))' % i for i in range(n)]
elif kind == "bigdata":
    body.append('(data (i32.const 131072) "%s")' % ("\\ab" * n))
elif kind == "types":
    for i in range(n):
        body.append('(type $t%d (func %s))' % (i, " ".join("(param i32)" for _ in range(i % 50)) + " (result i64)" * (i % 3 == 0)))
elif kind == "globals_imm":
    body += ['(global i64 (i64.const %d))' % i for i in range(n)]
body.append('(func $execute (export "plugin_execute") (param $in i32) (param $in_len i32) (param $out i32) (param $cell i32) (result i32) (i32.const 0))')
mem = 128 if kind in ("bigdata",) else 4
open("frag.wat", "w").write("\n".join(frag + [";; @memory %d" % mem] + body) + "\n")
