"""The house rules of labkit's layout, checked on the source (no notebook runs):

- labkit has three areas and one module per chapter: ``course/`` (plumbing), ``data/`` (readers), ``blocks/``
  (shared building blocks) and ``chNN.py``; a block or the data never imports a chapter, and a chapter imports only
  earlier chapters, so the import graph has no circle;
- no private name is imported across modules;
- lesson code is defined once: no notebook, benchmark or other labkit module defines a function or class under the
  name of one a chapter module defines (the chapter's notebook shows and calls it; later ones import it).
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "labkit"
CONVENTIONS = {"Sizes"}  # declared by every chapter module for the plumbing (labkit.course.chapters)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every ``from labkit... import name`` and ``import labkit...`` anywhere in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("labkit"):
            for alias in node.names:
                as_module = f"{node.module}.{alias.name}"
                found.append((as_module, "") if as_module in MODULES else (node.module, alias.name))
        elif isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names if a.name.startswith("labkit")]
    return found


def chapter_number(module: str) -> int | None:
    match = re.fullmatch(r"labkit\.ch(\d\d)", module)
    return int(match.group(1)) if match else None


def test_the_areas_are_the_folders():
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__")} == {"blocks", "course",
                                                                                                  "data"}
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py" and not re.fullmatch(r"ch\d\d\.py",
                                                                                                        p.name))
    assert loose == [], f"a module outside the areas: {loose}"


def test_blocks_and_data_never_import_a_chapter_and_chapters_import_only_earlier_ones():
    wrong = []
    for name, path in MODULES.items():
        for module, _ in imports(path):
            target = chapter_number(module)
            if target is None:
                continue
            if name.startswith(("labkit.blocks", "labkit.data")):
                wrong.append(f"{name} imports {module}")
            elif chapter_number(name) is not None and target >= chapter_number(name):
                wrong.append(f"{name} imports the later or same chapter {module}")
    assert wrong == []


def test_the_import_graph_has_no_circle():
    graph = {name: {m for m, _ in imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}
    graph = {name: {m for m in targets if m != "labkit"} for name, targets in graph.items()}  # the package's own
    state: dict[str, str] = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                raise AssertionError("import circle: " + " -> ".join([*trail, node, nxt]))
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_no_private_name_is_imported_across_modules():
    files = [*MODULES.values(), *ROOT.glob("bench/*.py"), *ROOT.glob("tests/*.py")]
    private = [f"{path.relative_to(ROOT)}: {module}.{name}" for path in files for module, name in imports(path)
               if name.startswith("_")]
    assert private == []


def definitions(source: str) -> set[str]:
    """Top-level functions and classes (a method named like a chapter function is no copy of it)."""
    return {n.name for n in ast.parse(source).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


def notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    lines = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code").splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))  # IPython magics


def lesson_copies(extra_notebook: str = "") -> list[str]:
    """Each function or class a chapter module defines that is defined again elsewhere (``extra_notebook``: the
    code of one more notebook, for the test of this check)."""
    chapter_defs = {name: path.name for module, path in MODULES.items() if chapter_number(module) is not None
                    for name in definitions(path.read_text()) if not name.startswith("_")}
    elsewhere = {str(p.relative_to(ROOT)): definitions(p.read_text())
                 for p in [*MODULES.values(), *ROOT.glob("bench/*.py")] if chapter_number(module_name(p)) is None}
    elsewhere |= {f"notebooks/{p.name}": definitions(notebook_code(p)) for p in ROOT.glob("notebooks/*.ipynb")}
    elsewhere["the extra notebook"] = definitions(extra_notebook)
    for module, path in MODULES.items():
        if chapter_number(module) is not None:
            elsewhere[str(path.relative_to(ROOT))] = {n for n in definitions(path.read_text())
                                                      if chapter_defs.get(n) != path.name}
    return sorted(f"{name} ({home}) again in {where}" for where, names in elsewhere.items()
                  for name, home in chapter_defs.items() if name in names and name not in CONVENTIONS)


def test_lesson_code_is_defined_once():
    assert lesson_copies() == [], "define lesson code once, in its chapter's module; its notebook shows and calls it"


def test_a_notebook_that_redefines_a_chapter_function_is_caught():
    assert lesson_copies("def fine_tune_classifier(encoder):\n    pass\n") == [
        "fine_tune_classifier (ch02.py) again in the extra notebook"]


def test_what_a_chapter_reads_is_made_by_an_earlier_notebook():
    from labkit.course import chapters
    from labkit.course.artifacts import ARTIFACTS

    for number in chapters.NUMBERS:
        for name in chapters.reads(number):
            assert name in ARTIFACTS, f"ch{number}.READS names {name!r}, which is no artifact"
            assert ARTIFACTS[name].notebook < number, f"ch{number} reads {name}, made by a later notebook"
    assert chapters.reads("01") == () and chapters.reads("02") == ("encoder",)
