# Compilations per 2 s of a run, generated plugin code (llmtb/gen...) and host code apart, from -XX:+PrintCompilation:
#   python3 jit.py printcompilation-t2.txt.gz
import collections, gzip, re, sys
count = collections.Counter(); size = collections.Counter(); buckets = set()
for line in gzip.open(sys.argv[1], 'rt'):
    m = re.match(r'\s*(\d+)\s+(\d+)\s+([%sbn! ]*)\s*(\d)\s+(\S+)\s+\((\d+) bytes\)', line)
    if not m:
        continue
    t, level, name, n = int(m.group(1)) // 2000 * 2, int(m.group(4)), m.group(5), int(m.group(6))
    kind = ('C2 ' if level == 4 else 'C1 ') + ('gen' if name.startswith('llmtb') else 'host')
    count[(t, kind)] += 1; size[(t, kind)] += n; buckets.add(t)
kinds = ['C2 gen', 'C2 host', 'C1 gen', 'C1 host']
print('s      ' + '  '.join('%-20s' % (k + ' n/bytes') for k in kinds))
for t in sorted(buckets):
    print('%-6d ' % t + '  '.join('%-20s' % ('%d/%d' % (count[(t, k)], size[(t, k)])) for k in kinds))
