# Convenience names for the scripts the README documents.
.PHONY: run test lint
run:
	scripts/run.sh
test:
	scripts/test.sh
lint:
	.venv/bin/python -m ruff check .
