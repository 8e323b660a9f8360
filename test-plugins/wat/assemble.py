#!/usr/bin/env python3
"""Wraps a WAT plugin *fragment* and the shared skeleton (skeleton.wat.in) into one module.

A fragment holds only what is specific to one test plugin, plus a header of directives:

    ;; @name trap_unreachable                  required; the plugin name in the metadata
    ;; @description plugin_execute traps        optional; the metadata description
    ;; @type transform                         optional (default transform)
    ;; @api_version 1.0                        optional (default 1.0)
    ;; @version 1.0.0                          optional: the metadata version (default 1.0.0)
    ;; @memory 2                               optional: initial pages of the skeleton's memory
    ;; @omit plugin_alloc                      drop a skeleton block (memory, plugin_alloc,
                                               plugin_free, plugin_metadata, plugin_init,
                                               plugin_shutdown) because the fragment brings its own
    ;; @string greeting "hello\\n"              a static string: @greeting@ in the body becomes
                                               (i32.const PTR) (i32.const LEN); @greeting.ptr@ and
                                               @greeting.len@ give one of the two

Directives start at column 0. Lines that start with "(import " at column 0 are moved to the
front of the module (WAT wants imports before definitions); keep each import on one line.
Everything else is copied after the skeleton, inside the same (module ...).

Usage: assemble.py [--name NAME] FRAGMENT.wat > MODULE.wat
(--name overrides ;; @name, to build the same fragment as a second, differently named plugin.)
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SKELETON = os.path.join(HERE, "skeleton.wat.in")
STRINGS_START, STRINGS_END = 2048, 65536
SKELETON_BLOCKS = {"memory", "plugin_alloc", "plugin_free", "plugin_metadata", "plugin_init",
                   "plugin_shutdown"}
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def fail(message):
    sys.exit("assemble.py: " + message)


def wat_string_bytes(literal, where):
    """The bytes of a WAT string literal body (between the quotes)."""
    out = bytearray()
    i = 0
    while i < len(literal):
        c = literal[i]
        if c == '"':
            fail(f"{where}: unescaped '\"' in string")
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        e = literal[i + 1:i + 2]
        simple = {"t": 9, "n": 10, "r": 13, '"': 34, "'": 39, "\\": 92}
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == "u":
            m = re.match(r"\\u\{([0-9a-fA-F]+)\}", literal[i:])
            if not m:
                fail(f"{where}: bad \\u escape")
            out += chr(int(m.group(1), 16)).encode("utf-8")
            i += len(m.group(0))
        elif re.match(r"[0-9a-fA-F]{2}", literal[i + 1:i + 3]):
            out.append(int(literal[i + 1:i + 3], 16))
            i += 3
        else:
            fail(f"{where}: bad escape \\{e}")
    return bytes(out)


def wat_escape(text):
    return text.replace("\\", "\\\\").replace('"', '\\"')


def assemble(fragment_path, name_override=None):
    with open(fragment_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    shown = os.path.relpath(fragment_path, HERE)
    meta = {"type": "transform", "api_version": "1.0", "description": "", "memory": "2", "version": "1.0.0"}
    omit, strings, imports, body = set(), [], [], []
    for n, line in enumerate(lines, 1):
        m = re.match(r"^;; @(\w+)\s*(.*?)\s*$", line)
        if m:
            key, value = m.groups()
            if key in ("name", "type", "api_version", "description", "memory", "version"):
                meta[key] = value
            elif key == "omit":
                if value not in SKELETON_BLOCKS:
                    fail(f"{shown}:{n}: cannot omit {value!r}")
                omit.add(value)
            elif key == "string":
                s = re.match(r'^([A-Za-z_][A-Za-z0-9_]*)\s+"(.*)"$', value)
                if not s:
                    fail(f"{shown}:{n}: expected ;; @string NAME \"literal\"")
                strings.append((s.group(1), s.group(2), wat_string_bytes(s.group(2), f"{shown}:{n}")))
            else:
                fail(f"{shown}:{n}: unknown directive @{key}")
        elif line.startswith("(import "):
            imports.append("  " + line)
        else:
            body.append("  " + line if line else "")

    if name_override:
        meta["name"] = name_override
    if "name" not in meta or not NAME_RE.match(meta["name"]):
        fail(f"{shown}: missing or invalid ;; @name")
    if not re.match(r"^\d+$", meta["memory"]):
        fail(f"{shown}: ;; @memory must be a number of pages")

    metadata = json.dumps({
        "name": meta["name"],
        "version": meta["version"],
        "description": meta["description"],
        "author": "LLM Test Bench test-plugins",
        "plugin_type": meta["type"],
        "capabilities": ["test"],
        "api_version": meta["api_version"],
    }, separators=(",", ":"), ensure_ascii=True)
    if len(metadata) > 1024:
        fail(f"{shown}: metadata longer than 1 KiB")

    # The skeleton, minus the omitted blocks.
    with open(SKELETON, encoding="utf-8") as f:
        skeleton_lines = f.read().rstrip("\n").split("\n")
    skeleton, skipping = [], None
    for line in skeleton_lines:
        begin = re.match(r"^\s*;; @begin (\w+)\s*$", line)
        if begin:
            skipping = begin.group(1) if begin.group(1) in omit else ""
            continue
        if re.match(r"^\s*;; @end\s*$", line):
            skipping = None
            continue
        if not skipping:
            skeleton.append(line)
    skeleton = "\n".join(skeleton)
    skeleton = (skeleton.replace("@MEMORY_PAGES@", meta["memory"])
                .replace("@METADATA_LEN@", str(len(metadata.encode("utf-8"))))
                .replace("@METADATA@", wat_escape(metadata)))

    # Static strings.
    data, address, text = [], STRINGS_START, "\n".join(body)
    for name, literal, raw in strings:
        if address + len(raw) > STRINGS_END:
            fail(f"{shown}: strings do not fit below {STRINGS_END}")
        data.append(f'  (data (i32.const {address}) "{literal}")  ;; @{name}@, {len(raw)} bytes')
        text = (text.replace(f"@{name}@", f"(i32.const {address}) (i32.const {len(raw)})")
                .replace(f"@{name}.ptr@", f"(i32.const {address})")
                .replace(f"@{name}.len@", f"(i32.const {len(raw)})"))
        address += len(raw)
    leftover = re.search(r"@[A-Za-z_][A-Za-z0-9_.]*@", text)
    if leftover:
        fail(f"{shown}: unknown string {leftover.group(0)}")

    parts = [f";; GENERATED by wat/assemble.py from {shown} and skeleton.wat.in; do not edit.",
             "(module"]
    if imports:
        parts += imports + [""]
    parts.append(skeleton)
    if data:
        parts += [""] + data
    parts += ["", "  ;; ===== " + shown + " =====", text.rstrip(), ")", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    args = sys.argv[1:]
    name = None
    if len(args) == 3 and args[0] == "--name":
        name, args = args[1], args[2:]
    if len(args) != 1:
        fail("usage: assemble.py [--name NAME] FRAGMENT.wat")
    sys.stdout.write(assemble(args[0], name))
