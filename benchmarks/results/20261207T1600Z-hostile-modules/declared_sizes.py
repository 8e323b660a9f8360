import sys
def leb(n):
    out=bytearray()
    while True:
        b=n&0x7f; n>>=7
        if n: out.append(b|0x80)
        else: out.append(b); return bytes(out)
def sec(i, body): return bytes([i])+leb(len(body))+body
HDR=b'\0asm\1\0\0\0'
H=2**28+5
mods={}
mods['functype_params']=HDR+sec(1, leb(1)+b'\x60'+leb(H)+b'\x7f')
mods['functype_results']=HDR+sec(1, leb(1)+b'\x60'+leb(0)+leb(H)+b'\x7f')
mods['rectype']=HDR+sec(1, leb(1)+b'\x4e'+leb(H)+b'\x60\x00\x00')
mods['subtype']=HDR+sec(1, leb(1)+b'\x50'+leb(H)+b'\x00\x60\x00\x00')
typ=sec(1, leb(1)+b'\x60\x00\x00')
fn=sec(3, leb(1)+leb(0))
def code(body):
    b=leb(0)+body
    return sec(10, leb(1)+leb(len(b))+b)
mods['br_table']=HDR+typ+fn+code(b'\x41\x00\x0e'+leb(H)+b'\x00\x00\x0b')
mods['select_t']=HDR+typ+fn+code(b'\x41\x00\x41\x00\x41\x00\x1c'+leb(H)+b'\x7f\x1a\x0b')
mods['locals_groups']=HDR+typ+fn+sec(10, leb(1)+leb(6)+leb(H)+b'\x01\x7f\x0b')
tab=sec(4, leb(1)+b'\x70\x00\x01')
mods['elem_funcs']=HDR+typ+fn+tab+sec(9, leb(1)+b'\x00\x41\x00\x0b'+leb(H)+b'\x00')+code(b'\x0b')
mods['elem_exprs']=HDR+typ+fn+tab+sec(9, leb(1)+b'\x05\x70'+leb(H)+b'\xd2\x00\x0b')+code(b'\x0b')
mods['elem_count']=HDR+typ+fn+tab+sec(9, leb(H)+b'\x01\x00'+leb(1)+b'\x00')+code(b'\x0b')
mem=sec(5, leb(1)+b'\x00\x01')
mods['data_len_passive']=HDR+mem+sec(11, leb(1)+b'\x01'+leb(0x7ffffff0)+b'abc')
mods['data_len_active']=HDR+mem+sec(11, leb(1)+b'\x00\x41\x00\x0b'+leb(0x7ffffff0)+b'abc')
mods['data_count']=HDR+mem+sec(11, leb(H)+b'\x01\x01a')
mods['imports_count']=HDR+typ+sec(2, leb(H)+b'\x01a\x01b\x00\x00')
mods['exports_count']=HDR+typ+fn+sec(7, leb(H)+b'\x01a\x00\x00')+code(b'\x0b')
mods['globals_count']=HDR+sec(6, leb(H)+b'\x7f\x00\x41\x00\x0b')
mods['tables_count']=HDR+sec(4, leb(H)+b'\x70\x00\x01')
mods['mems_count']=HDR+sec(5, leb(H)+b'\x00\x01')
mods['import_name_len']=HDR+typ+sec(2, leb(1)+leb(0x7ffffff0)+b'a')
mods['custom_name_len']=HDR+sec(0, leb(0x7ffffff0)+b'abc')
mods['name_section']=HDR+typ+fn+code(b'\x0b')+sec(0, b'\x04name'+b'\x01'+leb(10)+leb(H)+b'\x00\x01a')
mods['name_locals']=HDR+typ+fn+code(b'\x0b')+sec(0, b'\x04name'+b'\x02'+leb(10)+leb(H)+b'\x00\x01\x00\x01a')
mods['type_count']=HDR+sec(1, leb(H)+b'\x60\x00\x00')
mods['func_count']=HDR+typ+sec(3, leb(H)+b'\x00')
mods['code_count']=HDR+typ+fn+sec(10, leb(H)+b'\x02\x00\x0b')
mods['body_size']=HDR+typ+fn+sec(10, leb(1)+leb(0x7ffffff0)+b'\x00\x0b')
mods['tag_count']=HDR+typ+sec(13, leb(H)+b'\x00\x00')
mods['datacount']=HDR+mem+sec(12, leb(0xffffffff))
mods['try_table']=HDR+typ+fn+code(b'\x1f\x40'+leb(H)+b'\x00\x00\x00\x0b\x0b')
for k,v in mods.items(): open(k+'.wasm','wb').write(v)
