#!/usr/bin/env bash
# Serve many viewers: N Streamlit workers behind Debian's nginx (sticky sessions, websockets,
# health checks) at http://localhost:8501. Builds the demo district if there is no database,
# as run.sh does. Usage: scripts/serve.sh --workers 2 [--port 8501] (see `monitor serve -h`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv requirements.txt
ensure_database
exec "$PY" -m monitor serve "$@"
