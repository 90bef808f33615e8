#!/usr/bin/env python3
"""Which files of a C program call which: prints "a.c -> b.c" for every
pair where a.c calls a function b.c defines (not with -q), then any circle
among them. Exits 1 when there is a circle. Files are as long as what they
hold needs: no line count is judged.

Usage: tools/check_calls.py [-q] DIR"""
import os, re, sys

def main(argv):
    quiet = len(argv) > 1 and argv[1] == '-q'
    if quiet: argv = argv[:1] + argv[2:]
    folder = argv[1] if len(argv) > 1 else '.'
    files = sorted(f for f in os.listdir(folder) if f.endswith('.c'))
    text = {}
    for f in files:
        src = open(os.path.join(folder, f), encoding='utf-8').read()
        src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)      # comments
        src = re.sub(r'"(\\.|[^"\\])*"', '""', src)           # strings
        text[f] = src
    defined = {}
    for f, src in text.items():
        for m in re.finditer(r'^(?!static\b)[A-Za-z_][\w \*]*?\b(\w+)\s*\([^;{]*\)\s*\{', src, re.M):
            defined[m.group(1)] = f
    edges = {f: set() for f in files}
    for f, src in text.items():
        for m in re.finditer(r'\b(\w+)\s*\(', src):
            g = defined.get(m.group(1))
            if g and g != f: edges[f].add(g)
    for f in files:
        if quiet: break
        for g in sorted(edges[f]): print(f'{f} -> {g}')
    # Tarjan's strongly connected components
    index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index: visit(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop(); on.discard(w); scc.append(w)
                if w == v: break
            if len(scc) > 1: sccs.append(sorted(scc))
    for f in files:
        if f not in index: visit(f)
    bad = 0
    for scc in sccs:
        print('circle: ' + ' '.join(scc)); bad = 1
    print(f'{folder}: ' + ('no circle' if not sccs else f'{len(sccs)} circle(s)'))
    return bad

if __name__ == '__main__':
    sys.exit(main(sys.argv))
