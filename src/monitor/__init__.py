"""District progress monitor.

The package is built in layers, each importing only from the layers below it (checked by
import-linter: `[tool.importlinter]` in pyproject.toml, run by tests/unit/test_layers.py):

1. the ground floor, modules directly in `monitor`: the vocabulary every layer shares
   (`registry`: the measures and sources; `keys`: grades, bands, the lattice's scope keys;
   `items`: the survey's items), `config`, `db`, `access` (roles and scopes), `text` and
   `exports` (people's text and downloads made safe);
2. `monitor.measures`: counting and protecting (the lattice of counts, the privacy rules,
   goals and status, the filters a reader asks with);
3. `monitor.ingest`: files in (vendor exports to canonical rows, the load that builds the
   lattice, what each load gave);
4. `monitor.writing`: what people write (notes, improvement cycles, reflections);
5. `monitor.present`: charts and the debrief's deck, drawn without Streamlit;
6. `monitor.views`: what pages ask (trajectories, breakdowns, measures tables, findings, what
   changed), as plain functions over protected data;
7. the roof: `monitor.ui` (Streamlit), `monitor.serving` (workers behind nginx),
   `monitor.demo` (the synthetic district) and `monitor.cli` (the command line).
"""
