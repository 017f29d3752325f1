#!/usr/bin/env bash
# Runs the compatibility suite (tests/python): the real `mlflow` client against Aviary.
# Extra arguments go to pytest, e.g. `scripts/test-python.sh -k search --junitxml=out.xml`.
# AVIARY_TEST_AGAINST=mlflow runs the same suite against the real `mlflow server` instead;
# AVIARY_TEST_BACKEND=postgres gives Aviary a real PostgreSQL (started and stopped by the suite).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=$(bash scripts/python-env.sh tests/python/requirements.txt)
if [[ ${AVIARY_TEST_AGAINST:-aviary} == aviary ]]; then
  npm run --silent build
fi
mkdir -p test-output
exec "$venv/bin/python" -m pytest tests/python -q -o cache_dir=test-output/pytest-cache "$@"
