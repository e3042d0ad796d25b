#!/usr/bin/env bash
# Set up and start the dashboard on the embedded demo district: http://localhost:8501
# Creates .venv, installs the app, builds the demo database if it is missing, runs Streamlit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv requirements.txt

ensure_database
# The port and address: PORT, else Streamlit's own STREAMLIT_SERVER_PORT / _ADDRESS, else
# localhost:8501; anything after the command goes to streamlit run (its flags win).
exec "$PY" -m streamlit run app.py \
  --server.address "${STREAMLIT_SERVER_ADDRESS:-localhost}" \
  --server.port "${PORT:-${STREAMLIT_SERVER_PORT:-8501}}" "$@"
