#!/usr/bin/env bash
# Set up and start the dashboard on the embedded demo district: http://localhost:8501
# Creates .venv, installs the app, builds the demo database if it is missing, runs Streamlit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv requirements.txt

ensure_database
exec "$PY" -m streamlit run app.py --server.address localhost --server.port "${PORT:-8501}" "$@"
