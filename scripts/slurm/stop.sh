#!/usr/bin/env bash
# Stops the SLURM daemons scripts/slurm/start.sh started, and only those: the pids recorded in
# $BILEVEL_SLURM_STATE (default /run/bilevel-slurm/started), newest first (slurmd, slurmctld, munged),
# each with SIGTERM, then SIGKILL after 10 s. A pid that is gone or now names another program is
# skipped. Removes the record. Exit 0 unless a daemon outlives SIGKILL.
set -euo pipefail

STATE="${BILEVEL_SLURM_STATE:-/run/bilevel-slurm/started}"
say() { printf '[slurm:stop] %s\n' "$*"; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if [ ! -s "$STATE" ]; then
  say "nothing recorded in $STATE: nothing to stop"
  exit 0
fi

status=0
# Newest first: the reverse of the start order.
while read -r name pid; do
  [ -n "${name:-}" ] && [ -n "${pid:-}" ] || continue
  comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
  if [ "$comm" != "$name" ]; then
    say "$name (pid $pid) is not running"
    continue
  fi
  $SUDO kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    [ -d "/proc/$pid" ] || break
    sleep 0.1
  done
  if [ -d "/proc/$pid" ]; then
    $SUDO kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  if [ -d "/proc/$pid" ]; then
    say "ERROR: $name (pid $pid) is still running"
    status=1
  else
    say "$name (pid $pid) stopped"
  fi
done < <(tac "$STATE")
[ "$status" -ne 0 ] || $SUDO rm -f "$STATE"
exit "$status"
