# Samples by thread, and the main (reading/writing) thread's samples by what it was doing:
#   python3 threads.py prof-t2.collapsed.gz
import collections, gzip, re, sys
by_thread = collections.Counter(); main = collections.Counter(); total = 0
for line in gzip.open(sys.argv[1], 'rt'):
    stack, n = line.rsplit(' ', 1); n = int(n); total += n
    frames = stack.split(';')
    by_thread[re.sub(r'\d+', 'N', frames[0])] += n
    if frames[0].startswith('[main'):
        key = 'other'
        for f in frames:
            for k in ('EvalSummary.add', 'TimeSplit.add', 'DataLines', 'BufferedOutputStream', 'DualPivotQuicksort',
                      'Unsafe.park', 'ArrayBlockingQueue', 'CompletableFuture'):
                if k in f:
                    key = k
        main[key] += n
print('samples', total)
for k, v in by_thread.most_common(8):
    print('%6d %5.1f%%  %s' % (v, 100 * v / total, k))
print('main thread:')
for k, v in main.most_common():
    print('%6d %5.1f%%  %s' % (v, 100 * v / sum(main.values()), k))
