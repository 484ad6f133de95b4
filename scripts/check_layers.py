#!/usr/bin/env python3
"""Checks that plumbline's modules import only downwards and that no files import each other
in a cycle. Reads the `use` lines and `crate::`/`super::` paths of src/ (comments stripped).

Run from anywhere: python3 scripts/check_layers.py. Exit 1 with a list of what is wrong.
The layers are in LAYERS below and in the README's "Architecture" section; keep both in step.
"""

import re
import sys
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

# Bottom to top. A module may import modules of lower layers only (and itself).
LAYERS = [
    ["layout", "log_file"],
    ["clock", "cost", "verdict", "models", "runtime"],
    ["pose", "source", "camera", "desktop"],
    ["geometry"],
    ["monitor", "store"],
    ["coach", "settings"],
    ["pipeline"],
    ["wiring"],
    ["app"],
    ["commands", "lib"],
    ["main"],
]
RANK = {module: rank for rank, layer in enumerate(LAYERS) for module in layer}

PATH = re.compile(r"\b(crate|super|plumbline)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_GROUP = re.compile(r"\buse\s+(crate|super)::([A-Za-z_][A-Za-z0-9_:]*)::\{([^;]*)\}", re.S)


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())


def module_path(file: Path) -> list[str]:
    parts = list(file.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "mod":
        parts = parts[:-1]
    return parts


def resolve(parts: list[str], files: dict) -> tuple | None:
    """The longest prefix of `parts` that names a file of src/."""
    for n in range(len(parts), 0, -1):
        key = tuple(parts[:n])
        if key in files:
            return key
    return None


def main() -> int:
    files = {}
    for file in sorted(SRC.rglob("*.rs")):
        files[tuple(module_path(file))] = file
    problems = []
    graph = defaultdict(set)
    for key, file in files.items():
        text = strip_comments(file.read_text())
        own = list(key)
        # `mod.rs` files are their folder; `super` from a file is its folder's module.
        parent = own[:-1] if file.name != "mod.rs" else own[:-1]
        targets = []
        for root, rest in PATH.findall(text):
            names = rest.strip(":").split("::")
            if root == "crate" or root == "plumbline":
                targets.append(names)
            else:
                base = own[:-1] if file.name != "mod.rs" else own[:-1]
                while names and names[0] == "super":
                    names = names[1:]
                    base = base[:-1]
                targets.append(base + names)
        for root, prefix, group in USE_GROUP.findall(text):
            base = [] if root == "crate" else parent
            for item in group.split(","):
                item = item.strip().split(" as ")[0].strip()
                if item and item[0].islower() and item not in ("self",):
                    targets.append(base + prefix.split("::") + item.split("::{")[0].split("::"))
        for target in targets:
            resolved = resolve(target, files)
            if resolved is None or resolved == key:
                continue
            # A parent module's `pub use`/`pub mod` of its children is not an import upwards.
            if resolved == tuple(own[: len(resolved)]):
                continue
            if key == tuple(resolved[: len(key)]):
                continue
            graph[key].add(resolved)
            top, target_top = (key[0] if key else "lib"), resolved[0]
            if top == target_top:
                continue
            for module in (top, target_top):
                if module not in RANK:
                    problems.append(f"{module}: not in any layer of scripts/check_layers.py")
            if top in RANK and target_top in RANK and RANK[target_top] >= RANK[top]:
                problems.append(
                    f"src/{file.relative_to(SRC)} imports {'::'.join(resolved)}: "
                    f"{top} (layer {RANK[top]}) may not import {target_top} (layer {RANK[target_top]})"
                )
    # Cycles between files (Tarjan's strongly connected components).
    index, low, on_stack, stack, counter, cycles = {}, {}, set(), [], [0], []

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(component)

    sys.setrecursionlimit(10_000)
    for node in list(graph):
        if node not in index:
            visit(node)
    for cycle in cycles:
        names = ", ".join("src/" + str(files[m].relative_to(SRC)) for m in sorted(cycle))
        problems.append(f"files import each other in a cycle: {names}")
    for problem in sorted(set(problems)):
        print(problem)
    if problems:
        print(f"check_layers: {len(set(problems))} problem(s)")
        return 1
    print(f"check_layers: {len(files)} files, {sum(len(v) for v in graph.values())} imports, "
          "no upward import, no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
