#!/usr/bin/env bash
# Usage: scripts/python-env.sh REQUIREMENTS_FILE
#
# Prints the path of a Python virtual environment holding REQUIREMENTS_FILE, building it on
# first use. Environments are cached outside the repository (CI starts from a fresh clone):
#   ${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aviary}/python/env-<hash>
# keyed by the requirements file's content and the interpreter (version, path, machine), so
# a cached run costs one `python3 -c` and a few file tests.
#
# Builds use uv (pinned, installed with pip into a bootstrap venv in the same cache, with
# UV_CACHE_DIR there too so wheels are kept); without uv they fall back to venv + pip.
# An environment is built in a temporary folder and renamed into place only when complete,
# so an interrupted build never looks cached; builds of one key are serialised by flock.
#
# Only the environment's path goes to stdout; progress and errors go to stderr.
# AVIARY_PYTHON picks the base interpreter (default: python3); AVIARY_NO_UV=1 skips uv.
set -euo pipefail

UV_VERSION=0.13.9

log() { printf 'python-env: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $# -eq 1 ]] || die "usage: $0 REQUIREMENTS_FILE"
req=$1
[[ -f $req ]] || die "no such requirements file: $req"

python=${AVIARY_PYTHON:-python3}
command -v "$python" >/dev/null || die "$python not found"
command -v flock >/dev/null || die "flock not found (util-linux)"

cache=${AVIARY_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/aviary}/python
[[ $cache == /* ]] || cache=$PWD/$cache # the path printed must work from any folder
# The interpreter's identity: a venv links to its base interpreter, so a different one (even
# of the same version) needs a different environment.
py_id=$("$python" -c 'import sys, platform; print(sys.version, platform.machine(), sys.base_prefix)')
key=$({ printf '%s\n' "$py_id"; cat "$req"; } | sha256sum | cut -c1-16)
env_dir=$cache/env-$key
stamp=.aviary-complete

is_ready() { [[ -f $env_dir/$stamp && -x $env_dir/bin/python ]]; }

if is_ready; then
  printf '%s\n' "$env_dir"
  exit 0
fi

mkdir -p "$cache"
exec 8>"$cache/env-$key.lock"
if ! flock -n 8; then
  log "waiting for another build of the same environment to finish"
  flock 8
fi
if is_ready; then # another invocation built it while this one waited
  printf '%s\n' "$env_dir"
  exit 0
fi

build_log=$cache/env-$key.log
: >"$build_log"
tmp=$cache/.tmp-env-$key
rm -rf "$tmp" "$env_dir" # leftovers of an interrupted build; the lock makes them ours
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
fail() {
  log "error: $1 (last lines of $build_log):"
  tail -n 30 "$build_log" >&2
  exit 1
}

# Echoes the path of a uv binary, installing it on first use; fails if uv cannot be had.
bootstrap_uv() {
  local boot=$cache/uv-$UV_VERSION
  if [[ -x $boot/bin/uv ]]; then
    printf '%s\n' "$boot/bin/uv"
    return 0
  fi
  exec 7>"$cache/uv-$UV_VERSION.lock"
  flock 7
  if [[ ! -x $boot/bin/uv ]]; then
    local t0 btmp=$cache/.tmp-uv-$UV_VERSION
    t0=$(now)
    log "installing uv==$UV_VERSION into $boot"
    rm -rf "$btmp"
    if "$python" -m venv "$btmp" >>"$build_log" 2>&1 &&
      "$btmp/bin/python" -m pip install --quiet "uv==$UV_VERSION" >>"$build_log" 2>&1 &&
      "$btmp/bin/uv" --version >>"$build_log" 2>&1; then
      mv "$btmp" "$boot"
      log "uv installed in $(elapsed "$t0")"
    else
      rm -rf "$btmp"
      flock -u 7
      return 1
    fi
  fi
  flock -u 7
  printf '%s\n' "$boot/bin/uv"
}

t0=$(now)
log "building a Python environment for $req ($("$python" -c 'import sys; print(sys.version.split()[0])')) in $env_dir"
log "install log: $build_log"

if [[ ${AVIARY_NO_UV:-} != 1 ]] && uv=$(bootstrap_uv); then
  export UV_CACHE_DIR=$cache/uv-cache
  # Registries here may sit behind the system's certificate store, which pip already uses.
  export UV_SYSTEM_CERTS=${UV_SYSTEM_CERTS:-1}
  log "installing packages with uv"
  "$uv" venv --quiet --relocatable --python "$python" "$tmp" >>"$build_log" 2>&1 ||
    fail "uv could not create the virtual environment"
  "$uv" pip install --python "$tmp/bin/python" -r "$req" >>"$build_log" 2>&1 ||
    fail "uv could not install $req"
else
  log "uv not available (AVIARY_NO_UV or install failed); using venv + pip (slower)"
  rm -rf "$tmp"
  "$python" -m venv "$tmp" >>"$build_log" 2>&1 || fail "python -m venv failed"
  "$tmp/bin/python" -m pip install --quiet -r "$req" >>"$build_log" 2>&1 ||
    fail "pip could not install $req"
fi

# Console scripts written by pip name the folder they were installed into; point them at the
# final one (uv's --relocatable scripts need no change, and the sed leaves them alone).
{ grep -rlI --null -- "$tmp" "$tmp/bin" 2>/dev/null || true; } | xargs -0 -r sed -i "s|$tmp|$env_dir|g"
"$tmp/bin/python" -c 'import sys' >>"$build_log" 2>&1 || fail "the new environment's python does not start"
touch "$tmp/$stamp"
mv "$tmp" "$env_dir"
log "environment ready in $(elapsed "$t0")"
printf '%s\n' "$env_dir"
