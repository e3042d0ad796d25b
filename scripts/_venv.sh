# Shared by run.sh and test.sh: create .venv and install a requirements file plus the app.
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
