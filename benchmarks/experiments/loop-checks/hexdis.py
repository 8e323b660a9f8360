#!/usr/bin/env python3
"""Decodes the hex that HotSpot's -XX:CompileCommand=print writes when no working hsdis is installed (Debian's
libhsdis0-fcml has only the old hsdis entry point, which JDK 17 does not use) with objdump, keeping HotSpot's
annotations (oop maps, polls, bytecode positions) above the instruction they belong to.
usage: hexdis.py FILE PATTERN   (PATTERN: a substring of the "Compiled method" header, e.g. "(c2)")"""
import re, sys, subprocess, tempfile, os
text = open(sys.argv[1]).read().split('\n')
pat = sys.argv[2]
i = 0
blocks = []
while i < len(text):
    if text[i].startswith('Compiled method') and pat in text[i]:
        hdr = text[i]; j = i + 1
        while j < len(text) and '[/MachCode]' not in text[j]:
            j += 1
        blocks.append((hdr, text[i:j])); i = j
    i += 1
for hdr, lines in blocks:
    print('#####', hdr)
    code = bytearray(); start = None; notes = {}
    cur = None
    for ln in lines:
        m = re.match(r'\s*0x([0-9a-f]+): (.*)$', ln)
        if m:
            addr = int(m.group(1), 16); rest = m.group(2)
            if re.fullmatch(r'[0-9a-f |]+', rest.strip()) and rest.strip():
                hexs = rest.replace('|', '').replace(' ', '')
                if start is None: start = addr
                code[addr - start:addr - start + len(hexs)//2] = bytes.fromhex(hexs)
            else:
                cur = addr; notes.setdefault(addr, []).append(rest.strip())
        elif cur is not None and ln.strip().startswith(';'):
            notes[cur].append(ln.strip())
    if start is None: continue
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(code); fn = f.name
    out = subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '-Mintel', '--adjust-vma=0x%x' % start, fn],
                         capture_output=True, text=True).stdout
    os.unlink(fn)
    for ln in out.split('\n'):
        m = re.match(r'\s*([0-9a-f]+):\t', ln)
        if m:
            a = int(m.group(1), 16)
            for n in notes.pop(a, []):
                print('        ' + n)
            print(ln)
