#!/usr/bin/env bash
# Install everything the tests need (Debian's Chromium, PostgreSQL and nginx included) and run
# the whole suite (or with --fast, all but the slow tests).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh

# Debian's Chromium for the browser tests, Debian's PostgreSQL server for the store's tests
# (the store's tests start a throwaway cluster of their own: tests/postgres.py), Debian's nginx
# for the workers-behind-nginx test (it runs its own nginx from a temporary folder).
missing=""
[ -x /usr/bin/chromium ] || missing="$missing chromium"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
[ -x /usr/sbin/nginx ] || missing="$missing nginx"
if [ -n "$missing" ]; then
  echo "Installing Debian's$missing for the tests ..."
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  # RUNLEVEL=1: the packages' own services are not started; the tests start their own.
  # shellcheck disable=SC2086
  $sudo_cmd env RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
ensure_venv requirements-dev.txt

"$PY" -m ruff check .
# --fast: the developer's lane, everything but the tests marked slow (about five minutes);
# without it, the whole suite (what CI runs).
# --dist worksteal: a worker that runs out of tests takes some of the other's, so the run does
# not end with one worker finishing a long queue alone (27 min 23 s -> 24 min 47 s of pytest).
if [ "${1:-}" = "--fast" ]; then
  shift
  "$PY" -m pytest -n 2 --dist worksteal -m "not slow" "$@"
else
  # --durations: the slowest tests named at the end of CI's log (where the time goes).
  "$PY" -m pytest -n 2 --dist worksteal --durations=25 "$@"
fi
