# Convenience names for the scripts the README documents.
.PHONY: run test lint demo
run:
	scripts/run.sh
test:
	scripts/test.sh
lint:
	.venv/bin/python -m ruff check .
demo:
	rm -f data/monitor.duckdb && scripts/run.sh --server.headless true
