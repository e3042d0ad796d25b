"""The package's shape (src/monitor/__init__.py says what each layer holds): each layer imports
only the layers below it and no package's modules import one another in a circle (import-linter,
with the contracts in pyproject.toml), every package says in its docstring what it is for, and
no module grows past what a reader holds in their head."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from monitor.config import PROJECT_ROOT

SRC = PROJECT_ROOT / "src" / "monitor"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# "About 400 lines": past this a module is split by what it does.
MAX_LINES = 450


def lint_imports(src_root: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src_root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_each_layer_imports_only_the_layers_below_it():
    done = lint_imports(SRC.parent, PROJECT_ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    # the protected measures reaching up into what pages ask
    ("measures/privacy/rules.py", "from monitor.views import reads", "layers"),
    # the ground floor reaching into the loader (what lattice and privacy once did)
    ("keys.py", "from monitor.ingest import common", "layers"),
    # two views importing each other
    ("views/trajectories.py", "from monitor.views import breakdowns", "circle"),
])
def test_the_layer_check_sees_an_import_up_or_round(tmp_path, module, line, broken):
    """The contracts have teeth: one import up a layer, or round a circle, breaks them."""
    shutil.copytree(SRC, tmp_path / "src" / "monitor",
                    ignore=shutil.ignore_patterns("__pycache__", "queries"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "monitor" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n")
    done = lint_imports(tmp_path / "src", tmp_path)
    assert done.returncode != 0, done.stdout
    expected = ("Each layer imports only the layers below it BROKEN" if broken == "layers"
                else "No import circle inside a package BROKEN")
    assert expected in done.stdout, done.stdout


def packages() -> list[Path]:
    return sorted(p.parent for p in SRC.rglob("__init__.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("package", packages(), ids=lambda p: str(p.relative_to(SRC.parent)))
def test_every_package_says_what_it_holds(package):
    doc = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc.split()) >= 15, f"{package.name}: a paragraph on what it holds"


def test_no_module_is_longer_than_a_reader_holds():
    files = [*SRC.rglob("*.py"), *(PROJECT_ROOT / "app_pages").glob("*.py")]
    long = {str(p.relative_to(PROJECT_ROOT)): n for p in files
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split by what each part does: {long}"


def test_every_module_has_a_layer():
    """A module the contract does not name is checked by nothing: each of src/monitor's
    modules and packages is in exactly one layer."""
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    named = [name.strip() for layer in layers for name in layer.replace("|", ":").split(":")]
    here = {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in SRC.iterdir() if (p / "__init__.py").exists()}
    assert sorted(named) == sorted(here)
