exec(open('mk.py').read().split("mods={}")[0])
mods={}
typ=sec(1, leb(1)+b'\x60\x00\x00')
fn=sec(3, leb(1)+leb(0))
def code(body):
    b=leb(0)+body
    return sec(10, leb(1)+leb(len(b))+b)
mods['export_name_len']=HDR+typ+fn+sec(7, leb(1)+leb(0x7ffffff0)+b'a\x00\x00')+code(b'\x0b')
mods['table_min']=HDR+sec(4, leb(1)+b'\x70\x00'+leb(0x7fffffff))
mods['table_min_import']=HDR+sec(2, leb(1)+b'\x01a\x01b\x01\x70\x00'+leb(0x7fffffff))
mods['name_fn_len']=HDR+typ+fn+code(b'\x0b')+sec(0, b'\x04name'+b'\x01'+leb(8)+leb(1)+b'\x00'+leb(0x7ffffff0)+b'a')
mods['section_size']=HDR+typ+fn+sec(0, b'')[:1]+leb(0x7ffffff0)+b'\x01a'
mods['struct_fields']=HDR+sec(1, leb(1)+b'\x5f'+leb(H)+b'\x7f\x00')
mods['mod_name']=HDR+typ+fn+code(b'\x0b')+sec(0, b'\x04name'+b'\x00'+leb(6)+leb(0x7ffffff0)+b'a')
for k,v in mods.items(): open(k+'.wasm','wb').write(v)
