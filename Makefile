# Convenience names for the scripts the README documents.
.PHONY: run test lint bench-load
run:
	scripts/run.sh
test:
	scripts/test.sh
lint:
	.venv/bin/python -m ruff check .
bench-load:
	.venv/bin/python bench/load_throughput.py
