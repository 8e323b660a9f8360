import re,sys,glob
f=open(glob.glob(sys.argv[1]+'/*.log')[0]).read()
want=sys.argv[2]
for m in re.finditer(r"<task ([^>]*)>(.*?)</task>", f, re.S):
    attrs=m.group(1); body=m.group(2)
    if ('Module '+want+' ') not in attrs or ("level=" in attrs and "level='4'" not in attrs) or 'osr' in attrs: continue
    names={mm.group(1):(mm.group(3),mm.group(4)) for mm in re.finditer(r"<method id='(\d+)' holder='(\d+)' name='([^']*)'[^>]*bytes='(\d+)'",body)}
    depth=0; out=[]; last=None
    for ev in re.finditer(r"<(call|inline_fail|inline_success|parse|/parse)( [^>]*)?/?>",body):
        t=ev.group(1); a=ev.group(2) or ''
        if t=='parse': depth+=1
        elif t=='/parse': depth-=1
        elif t=='call': last=names.get(re.search(r"method='(\d+)'",a).group(1))
        else:
            r=re.search(r"reason='([^']*)'",a)
            out.append('  '*depth+last[0]+'('+last[1]+') '+t+' '+(r.group(1) if r else ''))
    print(attrs[:100]); print('\n'.join(out[:int(sys.argv[3])]))
