# Shared by run.sh, serve.sh and test.sh: create .venv and install a requirements file plus
# the app; build the demo database when there is none.
# Re-installs only when the requirements file changed since the last install.
PY=".venv/bin/python"
ensure_venv() {
  local requirements="$1"
  if [ ! -x "$PY" ]; then
    python3 -m venv .venv
  fi
  local stamp=".venv/.installed-$(basename "$requirements")"
  local digest
  digest="$(cat "$requirements" requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    "$PY" -m pip install --quiet --upgrade pip
    "$PY" -m pip install --quiet -r "$requirements"
    "$PY" -m pip install --quiet --no-deps -e .
    echo "$digest" > "$stamp"
  fi
}

# The database the dashboard serves: the demo district when there is none (with its year of
# improvement cycles and reflections), else an earlier release's brought up to date.
ensure_database() {
  local db="${MONITOR_DB:-data/monitor.duckdb}"
  if [ ! -f "$db" ]; then
    echo "Building the demo district (synthetic data) into $db ..."
    rm -rf data/demo
    # The district as it stood a week ago, then the week's new files: "what changed" shows a
    # real week from the first run.
    "$PY" -m monitor demo --out data/demo --week
    "$PY" -m monitor load --as-of "$(cat data/demo/last_week.as_of)" data/demo/last_week/*
    "$PY" -m monitor load data/demo/this_week/*
    # A year of improvement cycles and reflections, told by the loaded data.
    "$PY" -m monitor demo-story
  else
    # A database from an earlier release: bring its schema up to date (on a copy, atomically).
    "$PY" -m monitor migrate
  fi
}
