#!/usr/bin/env python3
"""Instructions the language server executes per keystroke (docs/performance.md).

Runs the server under `valgrind --tool=callgrind` twice while a small client
types a character and deletes it at the end of the document's middle line,
waiting each time for that version's diagnostics: once with 400 edits, once
with 1,200. The difference of the two totals, divided by 800, is the cost of
one edit (start-up and the first analysis cancel out). Unlike wall-clock
time it does not move with the machine's load.

    scripts/keystroke-instructions.py target/release/postmortem-lsp examples/checkout-outage/postmortem.yaml
    scripts/keystroke-instructions.py --first-sections target/release/postmortem-lsp examples/checkout-outage/postmortem.yaml

The document's folder is the workspace (its inputs are read from there).
`--first-sections` types into the document's sections up to the first
top-level key after line 125, as the typing benchmark's ~130-line document
(written next to the document for the run, then removed).
"""
import json
import os
import re
import subprocess
import sys
import tempfile


def session(cmd, doc, edits):
    root = os.path.dirname(os.path.abspath(doc))
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def send(m):
        b = json.dumps(m).encode()
        p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
        p.stdin.flush()

    def recv():
        h = b""
        while not h.endswith(b"\r\n\r\n"):
            c = p.stdout.read(1)
            if not c:
                raise SystemExit("the server closed its output")
            h += c
        n = [l for l in h.split(b"\r\n") if l.lower().startswith(b"content-length")]
        return json.loads(p.stdout.read(int(n[0].split(b":")[1])))

    def diagnostics(version):
        while True:
            m = recv()
            if m.get("method") == "workspace/configuration":
                items = m["params"]["items"]
                send({"jsonrpc": "2.0", "id": m["id"], "result": [{} for _ in items]})
            elif m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == version:
                return

    send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
          "params": {"processId": None, "rootUri": "file://" + root, "capabilities": {}}})
    while recv().get("id") != 1:
        pass
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    text = open(doc, encoding="utf-8").read()
    uri = "file://" + os.path.abspath(doc)
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
    diagnostics(1)
    lines = text.split("\n")
    mid = len(lines) // 2
    col = len(lines[mid].encode("utf-16-le")) // 2
    for v in range(2, 2 + edits):
        typing = v % 2 == 0
        rng = {"start": {"line": mid, "character": col},
               "end": {"line": mid, "character": col if typing else col + 1}}
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": v},
                         "contentChanges": [{"range": rng, "text": "x" if typing else ""}]}})
        diagnostics(v)
    send({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    while recv().get("id") != 2:
        pass
    send({"jsonrpc": "2.0", "method": "exit"})
    p.stdin.close()
    p.wait()


def total(server, doc, edits):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "callgrind.out")
        session(["valgrind", "-q", "--tool=callgrind", "--callgrind-out-file=" + out, server, "serve"], doc, edits)
        with open(out) as f:
            m = re.search(r"^summary: (\d+)", f.read(), re.M)
        return int(m.group(1))


def first_sections(text):
    lines = text.split("\n")
    for i in range(125, len(lines)):
        if lines[i][:1].isascii() and lines[i][:1].isalpha():
            return "\n".join(lines[:i]) + "\n"
    return text


def main():
    args = sys.argv[1:]
    first = "--first-sections" in args
    args = [a for a in args if a != "--first-sections"]
    if len(args) != 2:
        raise SystemExit(__doc__)
    server, doc = args
    made = None
    if first:
        made = os.path.join(os.path.dirname(os.path.abspath(doc)), ".first-sections.postmortem.yaml")
        with open(doc, encoding="utf-8") as f, open(made, "w", encoding="utf-8") as g:
            g.write(first_sections(f.read()))
        doc = made
    try:
        a, b = total(server, doc, 400), total(server, doc, 1200)
    finally:
        if made:
            os.remove(made)
    print(f"{(b - a) / 800:,.0f} instructions per keystroke ({os.path.basename(doc)}, {server})")


if __name__ == "__main__":
    main()
