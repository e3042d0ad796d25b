"""Conventions of the codebase, checked (STYLE.md: conventions become tests)."""

from __future__ import annotations

import ast
import re

import pytest

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
    """No f-string reaches execute(): SQL is a named query file, a literal, or the loader's
    one helper that fills in known table and column names (monitor.ingest.load._named)."""
    pattern = re.compile(r"\.execute\(\s*f[\"']|scalar\(con,\s*f[\"']|noqa: S608")
    offenders = [f"{path.name}:{number}"
                 for path in python_files(SRC) + python_files(PROJECT_ROOT / "app_pages")
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == []


def test_the_loaders_sql_names_only_known_tables():
    from monitor.ingest.load import _named

    assert _named("SELECT count(*) FROM {table}", "assessment_results") == (
        'SELECT count(*) FROM "assessment_results"')
    for table, key in [("students; DROP TABLE roster", ()), ("roster", ("1=1 OR x",))]:
        with pytest.raises(ValueError, match="unknown table or key"):
            _named("SELECT count(*) FROM {table} t WHERE {match}", table, key)


def test_every_table_goes_through_the_neutralising_helper():
    """Streamlit's dataframe toolbar downloads a CSV without neutralising formulas: pages
    show tables only through monitor.ui.components.show_table, which does."""
    for path in python_files(SRC) + python_files(PROJECT_ROOT / "app_pages") + [
            PROJECT_ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        uses = text.count("st.dataframe(")
        allowed = 1 if path.name == "components.py" else 0
        assert uses == allowed, f"{path.name} calls st.dataframe directly"


PRODUCT = [*python_files(SRC), *python_files(PROJECT_ROOT / "app_pages"), PROJECT_ROOT / "app.py"]


def _measure_ids_written(path, root=PROJECT_ROOT) -> list[str]:
    """Each string literal in `path` that is a measure's id, with its line (a line marked
    `# column` names a column or a file that happens to share the id)."""
    from monitor.registry import MeasureId

    ids = {m.value for m in MeasureId}
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    return [f"{path.relative_to(root)}:{node.lineno}: {lines[node.lineno - 1].strip()}"
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and node.value in ids and "# column" not in lines[node.lineno - 1]]


@pytest.mark.parametrize("path", [p for p in PRODUCT if p.name != "registry.py"],
                         ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_a_measure_is_named_only_through_the_registry(path):
    """monitor.registry is the only list of measures: code that means one measure says
    MeasureId.X, and what a measure is (its source, unit, labels, which views take it) is a
    field of its spec, never a list of ids somewhere else."""
    assert _measure_ids_written(path) == []


def test_the_convention_catches_a_measure_written_as_a_string(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('if measure in ("benchmark", "esgi"):\n    pass\n'
                      'KEY = ("survey", "school_year")  # column\n', encoding="utf-8")
    found = _measure_ids_written(sample, tmp_path)
    assert [line.split(": ", 1)[0] for line in found] == ["sample.py:1"] * 2


def test_config_takes_its_measures_from_the_registry(tmp_path):
    """config.toml configures the registry's measures, no others; one it does not name that
    the registry says follows another (added after districts wrote their config) takes its
    default label and that measure's calendar."""
    import re as regex

    from monitor import registry
    from monitor.config import ConfigError, load_settings

    text = (PROJECT_ROOT / "config.toml").read_text(encoding="utf-8")
    settings = load_settings(PROJECT_ROOT / "config.toml")
    assert set(settings.measures) == set(registry.MEASURES)
    path = tmp_path / "config.toml"
    path.write_text(text + '\n[measures.nope]\nlabel = "x"\ncalendar = "benchmark"\n'
                    'goals = {}\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="no measure called 'nope'"):
        load_settings(path)
    later = [m for m, spec in registry.MEASURES.items() if spec.calendar_of is not None]
    trimmed = text
    for measure in later:
        trimmed = regex.sub(rf"(?ms)^\[measures\.{measure}\].*?(?=^\[)", "", trimmed)
    path.write_text(trimmed, encoding="utf-8")
    older = load_settings(path)
    for measure in later:
        spec = registry.spec(measure)
        configured = older.measures[measure]
        assert configured.label == spec.default_label and not configured.goals
        assert configured.calendar == settings.measures[spec.calendar_of].calendar


@pytest.mark.parametrize("path", sorted((PROJECT_ROOT / "app_pages").glob("*.py")),
                         ids=lambda p: p.name)
def test_pages_only_draw(path):
    """A page draws what the views give (monitor.views: sections, reviews, reflections, plain
    functions tested without Streamlit): it imports no pandas and shapes no frame itself."""
    assert "pandas" not in imports(path), f"{path.name} imports pandas"
    source = path.read_text(encoding="utf-8")
    shaping = re.findall(r"\.(groupby|merge|pivot_table|value_counts|sort_values)\(", source)
    assert shaping == [], f"{path.name} shapes frames: {shaping}"
