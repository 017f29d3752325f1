#!/usr/bin/env bash
# Installs Debian's PostgreSQL server when it is missing, for the tests' real PostgreSQL
# (tests/ts/postgres/local-postgres.ts) and bench/tracking. Quick when it is there: prints the
# folder holding initdb, pg_ctl and postgres. No cluster is created here and none is started:
# each test creates its own in a temporary folder and runs it as the `postgres` user.
# Needs root (apt-get) the first time.
set -euo pipefail

log() { printf 'postgres-setup: %s\n' "$*" >&2; }

bin_dir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x $dir/initdb && -x $dir/pg_ctl && -x $dir/postgres ]] && { printf '%s\n' "$dir"; return 0; }
  done
  return 1
}

if ! bin_dir >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then
    log "PostgreSQL is missing: run this script as root (or apt-get install postgresql)"
    exit 1
  fi
  log "installing Debian's postgresql"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian's package would create and start a cluster of its own: a policy that forbids
  # starting services keeps it from starting (the tests start their own).
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  ((created_policy)) && rm -f "$policy"
fi
if [[ $(id -u) -eq 0 ]] && ! getent passwd postgres >/dev/null; then
  log "the postgres user is missing (the package creates it): reinstall postgresql-common"
  exit 1
fi
bin_dir || { log "PostgreSQL's initdb, pg_ctl and postgres not found under /usr/lib/postgresql/*/bin"; exit 1; }
