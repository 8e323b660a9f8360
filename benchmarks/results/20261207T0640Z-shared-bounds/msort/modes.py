# Per fork of a KernelBench run with -XX:+PrintCompilation: the last iterations (us/op), the generated methods C2
# compiled in order (timestamp ms, flags, name, bytecode size), and which were made not entrant.
# python3 modes.py <(zcat j25-pc.txt.gz)
import re, sys
forks = open(sys.argv[1], errors='replace').read().split('# Fork: ')[1:]
for fk in forks:
    its = re.findall(r'(\d+\.\d+) us/op', fk)
    c4 = re.findall(r'^\s*(\d+)\s+(\d+)\s+([%sbn! ]*)\s(4)\s+llmtb\S*Module::(\S+) \((\d+) bytes\)(.*)$', fk, re.M)
    print(fk[:6].strip(), 'iterations', [int(float(x)) for x in its][-4:])
    print('   C2:', [(m[0], m[4], m[5]) for m in c4 if 'not entrant' not in m[6]])
    print('   not entrant:', [m[4] for m in c4 if 'not entrant' in m[6]])
