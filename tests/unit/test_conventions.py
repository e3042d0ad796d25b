"""Conventions of the codebase, checked (STYLE.md: conventions become tests)."""

from __future__ import annotations

import ast
import re

from monitor.config import PROJECT_ROOT

SRC = PROJECT_ROOT / "src" / "monitor"


def python_files(folder):
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit():
    offenders = [p.relative_to(SRC) for p in python_files(SRC)
                 if "ui" not in p.relative_to(SRC).parts and "streamlit" in imports(p)]
    assert offenders == []


def test_every_page_is_registered_in_app():
    app = (PROJECT_ROOT / "app.py").read_text(encoding="utf-8")
    registered = set(re.findall(r'st\.Page\("(app_pages/[a-z_]+\.py)"', app))
    on_disk = {f"app_pages/{p.name}" for p in (PROJECT_ROOT / "app_pages").glob("*.py")}
    assert registered == on_disk
    assert not (PROJECT_ROOT / "pages").exists(), "a pages/ folder turns on Streamlit's v1 MPA"


def test_every_sql_file_is_used():
    code = "\n".join(p.read_text(encoding="utf-8")
                     for p in python_files(SRC) + python_files(PROJECT_ROOT / "app_pages"))
    for sql_file in (SRC / "queries").glob("*.sql"):
        assert f'"{sql_file.stem}"' in code, f"{sql_file.name} is never used"


def test_sql_files_take_values_as_parameters():
    for sql_file in (SRC / "queries").glob("*.sql"):
        text = sql_file.read_text(encoding="utf-8")
        assert not re.search(r"%s|\{\w+\}", text), f"{sql_file.name} has a format placeholder"


def test_no_sql_built_from_values_in_python():
    """f-strings in execute() calls may only name fixed identifiers (marked and checked)."""
    pattern = re.compile(r"\.execute\(\s*f[\"']|scalar\(con,\s*f[\"']")
    for path in python_files(SRC) + python_files(PROJECT_ROOT / "app_pages"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                assert "noqa: S608" in line, f"{path.name}:{number} builds SQL with an f-string"
                assert path.name == "load.py", f"{path.name}:{number}: only the loader may"


def test_every_table_goes_through_the_neutralising_helper():
    """Streamlit's dataframe toolbar downloads a CSV without neutralising formulas: pages
    show tables only through monitor.ui.components.show_table, which does."""
    for path in python_files(SRC) + python_files(PROJECT_ROOT / "app_pages") + [
            PROJECT_ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        uses = text.count("st.dataframe(")
        allowed = 1 if path.name == "components.py" else 0
        assert uses == allowed, f"{path.name} calls st.dataframe directly"
