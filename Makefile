# Convenience names for the scripts the README documents.
.PHONY: run test test-fast lint bench bench-load bench-soak
run:
	scripts/run.sh
test:
	scripts/test.sh
test-fast:
	scripts/test.sh --fast
lint:
	.venv/bin/python -m ruff check .
bench-load:
	.venv/bin/python bench/load_throughput.py
bench:
	.venv/bin/python bench/scale.py
bench-soak:
	.venv/bin/python bench/soak.py --minutes 20 --sessions 10 --think 10
