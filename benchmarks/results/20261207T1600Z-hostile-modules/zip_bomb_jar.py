import zipfile, json, hashlib, sys, zlib
n = int(sys.argv[1]); size = int(sys.argv[2])
src = zipfile.ZipFile("echo.jar")
m = json.loads(src.read("META-INF/llmtb/plugins/echo/plugin.json"))
zero = bytes(size)
h = hashlib.sha256(zero).hexdigest()
for i in range(n):
    m["classes"]["llmtb.gen.m85d4adc5a97ac09a.Bomb%d" % i] = h
out = zipfile.ZipFile("bomb%d.jar" % n, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
for info in src.infolist():
    data = src.read(info.filename)
    if info.filename.endswith("plugin.json"):
        data = json.dumps(m, indent=1).encode()
    out.writestr(info.filename, data)
for i in range(n):
    out.writestr("llmtb/gen/m85d4adc5a97ac09a/Bomb%d.class" % i, zero)
out.close()
