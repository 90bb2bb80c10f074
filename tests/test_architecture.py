"""The house rules, read from the source (ast), not by importing it: rooms import only rooms below them, no
import loop among modules (lazy imports inside functions count), no module over 400 lines, one vocabulary
(no label table of ``findpark.vocab`` spelled out again in Python or in the page scripts)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from findpark import vocab

PKG = Path(__file__).resolve().parent.parent / "findpark"
STATIC_JS = PKG / "static" / "js"

# Rooms from the bottom up. A room may import rooms to its left (and itself), never one to its right;
# rooms on one line are peers and may not import each other.
LAYERS = [
    ["vocab", "paths"],
    ["numbers"],
    ["geo", "taxonomy", "gazetteer", "fonts"],
    ["store"],
    ["ingest", "access"],
    ["evaluation"],
    ["siting"],
    ["databuild"],
    ["services"],
    ["reports"],
    ["bootstrap"],
    ["http"],
    ["api", "web"],
    ["app"],
    ["cli_accounts", "cli_db", "cli_data"],
    ["cli"],
]
RANK = {room: i for i, rooms in enumerate(LAYERS) for room in rooms}


def _modules() -> dict[str, Path]:
    mods = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        mods[name] = path
    return mods


def _imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        out: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = name if is_pkg else name.rsplit(".", 1)[0]
                if node.level:
                    for _ in range(node.level - 1):
                        base = base.rsplit(".", 1)[0]
                    pre = base + ("." + node.module if node.module else "")
                else:
                    pre = node.module or ""
                targets = [f"{pre}.{a.name}" if f"{pre}.{a.name}" in mods else pre for a in node.names]
            else:
                continue
            for t in targets:
                while t and t not in mods:
                    t = t.rsplit(".", 1)[0] if "." in t else ""
                if t and t != name:
                    out.add(t)
        graph[name] = out
    return graph


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "findpark"


def test_every_room_has_a_place():
    rooms = {_room(m) for m in _modules()} - {"findpark"}
    assert rooms <= set(RANK), f"rooms missing from the layer list: {sorted(rooms - set(RANK))}"


def test_rooms_import_only_rooms_below_them():
    graph = _imports(_modules())
    wrong = []
    for mod, deps in graph.items():
        src = _room(mod)
        for dep in deps:
            dst = _room(dep)
            if src == dst or "findpark" in (src, dst):
                continue
            if RANK[dst] >= RANK[src]:
                wrong.append(f"{mod} → {dep}")
    assert not wrong, "imports against the layering:\n" + "\n".join(sorted(wrong))


def test_no_import_cycles_among_modules():
    graph = _imports(_modules())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in graph:
        if v not in index:
            strong(v)
    assert not cycles, f"import cycles: {cycles}"


def test_api_and_web_never_import_each_other():
    graph = _imports(_modules())
    bad = [f"{m} → {d}" for m, deps in graph.items() for d in deps
           if {_room(m), _room(d)} == {"api", "web"}]
    assert not bad, bad


def test_no_module_over_400_lines():
    long = {str(p.relative_to(PKG.parent)): n for p in PKG.rglob("*.py")
            if (n := len(p.read_text("utf-8").splitlines())) > 400}
    assert not long, long


def _zh_labels(kind: str) -> set[str]:
    return {t.zh for t in vocab.TABLES[kind].values()}


# Tables whose labels are short and distinctive enough that two of them side by side mean a copied table.
CHECKED = ("criterion", "exclusion", "eia", "plot_status", "inquiry_status", "park_level", "amenity_kind", "via",
           "dimension")


def test_no_label_table_defined_twice_in_python():
    """A dict, tuple or list literal holding two or more labels of one vocabulary table is a copy of it."""
    copies = []
    for path in PKG.rglob("*.py"):
        if path.name == "vocab.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Dict):
                items = node.keys + node.values
            elif isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                items = node.elts
            else:
                continue
            strings = {n.value for n in items if isinstance(n, ast.Constant) and isinstance(n.value, str)}
            for kind in CHECKED:
                hits = strings & _zh_labels(kind)
                if len(hits) >= 2:
                    copies.append(f"{path.relative_to(PKG.parent)}:{node.lineno} {kind}: {sorted(hits)}")
    assert not copies, "label tables copied from findpark/vocab.py:\n" + "\n".join(copies)


@pytest.mark.parametrize("script", sorted(p.name for p in STATIC_JS.glob("*.js")))
def test_page_scripts_keep_no_label_tables(script):
    """The scripts take labels from the served vocabulary (window.findparkVocab), never a copy."""
    text = (STATIC_JS / script).read_text("utf-8")
    for kind in CHECKED:
        found = {lab for lab in _zh_labels(kind) if re.search(rf'"{re.escape(lab)}"', text)}
        assert len(found) < 2, f"{script} spells out the {kind} labels {sorted(found)}"


def test_vocabulary_has_one_chinese_and_one_english_label_per_code():
    for kind, table in vocab.TABLES.items():
        for code, term in table.items():
            assert term.zh and term.en, (kind, code)
            assert not term.unit or term.unit in vocab.UNITS, (kind, code, term.unit)
        # one label, one code: two codes of one table never share a label
        assert len({t.zh for t in table.values()}) == len(table), kind
        assert len({t.en for t in table.values()}) == len(table), kind
    assert vocab.label("criterion", "land_fit") == "用地契合"
    assert vocab.label("criterion", "land_fit", "en") == "Land fit"
    assert vocab.label("exclusion", "distance_airport") == "距机场过远"
    assert vocab.label("request_field", "max_distance_km.airport") == "距机场上限"
    assert vocab.label("park_level", "no_such_code") == "no_such_code"
    assert vocab.with_unit("request_field", "land_mu_min") == "用地面积下限（亩）"
