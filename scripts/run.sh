#!/usr/bin/env bash
# Set up and start the dashboard on the embedded demo district: http://localhost:8501
# Creates .venv, installs the app, builds the demo database if it is missing, runs Streamlit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv requirements.txt

db="${MONITOR_DB:-data/monitor.duckdb}"
if [ ! -f "$db" ]; then
  echo "Building the demo district (synthetic data) into $db ..."
  rm -rf data/demo
  "$PY" -m monitor demo --out data/demo
  "$PY" -m monitor load data/demo/*
  # A year of improvement cycles and reflections, told by the loaded data.
  "$PY" -m monitor demo-story
else
  # A database from an earlier release: bring its schema up to date (on a copy, atomically).
  "$PY" -m monitor migrate
fi
exec "$PY" -m streamlit run app.py --server.address localhost --server.port "${PORT:-8501}" "$@"
