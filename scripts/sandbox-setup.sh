#!/usr/bin/env bash
# Installs what the model sandbox (src/runtime/sandbox/) needs, when it is not there yet:
#   - bubblewrap (Debian's bwrap): the mount, network and pid namespaces of every worker;
#   - the unprivileged user aviary-sandbox, and a range of 65536 subordinate ids of its own
#     (/etc/subuid, /etc/subgid): when Aviary runs as root each worker runs as one id of that
#     range, so no two workers share an id (nor a process count under RLIMIT_NPROC).
# Quick when all is there: a few file tests. Needs root (apt-get, useradd) the first time; as
# another user it only says what is missing (workers then run in a user namespace as that user).
set -euo pipefail

user=aviary-sandbox
count=65536
log() { printf 'sandbox-setup: %s\n' "$*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
  command -v bwrap >/dev/null || log "bwrap is missing: run this script as root (or install bubblewrap)"
  exit 0
fi

if ! command -v bwrap >/dev/null; then
  log "installing Debian's bubblewrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends bubblewrap >/dev/null
fi
command -v setpriv >/dev/null && command -v prlimit >/dev/null || log "setpriv or prlimit is missing: install util-linux"

if ! getent passwd "$user" >/dev/null; then
  log "creating the user $user"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --user-group "$user"
fi

# The next free range after every range already given out (subordinate ids start at 100000).
next_free() {
  local file=$1 start=100000
  if [[ -f $file ]]; then
    while IFS=: read -r _ first n; do
      [[ $first =~ ^[0-9]+$ && $n =~ ^[0-9]+$ ]] || continue
      ((first + n > start)) && start=$((first + n))
    done <"$file"
  fi
  echo "$start"
}
for file in /etc/subuid /etc/subgid; do
  if ! grep -q "^$user:" "$file" 2>/dev/null; then
    first=$(next_free "$file")
    log "giving $user the ids $first-$((first + count - 1)) in $file"
    echo "$user:$first:$count" >>"$file"
  fi
done
