#!/usr/bin/env bash
# Starts a one-node SLURM cluster on this machine for the SLURM acceptance test of `bilevel sweep
# --executor slurm` (test/unit/cli/slurmSweep.test.ts; docs/sweeps.md, "On a SLURM cluster"). For a CI
# machine or a developer's: Debian/Ubuntu, root (or sudo), no systemd needed.
#   1. apt-get install slurm-wlm and munge when missing (apt-get update only when apt has no candidate);
#   2. a munge key, /etc/slurm/slurm.conf for this host (only when there is none, or it is ours);
#   3. munged (as user munge), slurmctld, slurmd, each only when not already running;
#   4. waits until the node is idle (sinfo).
# It records what it started, "name pid" a line, in $BILEVEL_SLURM_STATE (default
# /run/bilevel-slurm/started); scripts/slurm/stop.sh stops exactly those. Exit 0 when the node is idle;
# a message and exit 1 when a step fails. Idempotent: with the cluster up it only checks sinfo.
set -euo pipefail

STATE="${BILEVEL_SLURM_STATE:-/run/bilevel-slurm/started}"
CONF=/etc/slurm/slurm.conf
MARK='# written by bilevel-lab scripts/slurm/start.sh'

say() { printf '[slurm:start] %s\n' "$*"; }
die() { printf '[slurm:start] ERROR: %s\n' "$*" >&2; exit 1; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "not root and no sudo: installing and starting SLURM needs root"
  SUDO="sudo"
fi

node_state() { sinfo -h -N -o '%T' 2>/dev/null | head -1; }
if command -v sinfo >/dev/null 2>&1 && [ "$(node_state)" = "idle" ]; then
  say "a cluster is already up: $(sinfo -h -N -o '%N %T' | head -1)"
  exit 0
fi

# 1. Debian packages.
missing=()
command -v slurmctld >/dev/null 2>&1 && command -v slurmd >/dev/null 2>&1 && command -v sbatch >/dev/null 2>&1 || missing+=(slurm-wlm)
command -v munged >/dev/null 2>&1 || missing+=(munge)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null 2>&1 || die "${missing[*]} missing and no apt-get to install them"
  say "apt-get install ${missing[*]} (about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  for p in "${missing[@]}"; do
    cand="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then
      $SUDO apt-get update -y || die "apt-get update failed"
      break
    fi
  done
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}" || die "apt-get install ${missing[*]} failed"
fi
command -v slurmctld >/dev/null 2>&1 || die "slurmctld is missing after apt-get install slurm-wlm"

# 2. Folders, the munge key, slurm.conf.
HOST="$(hostname)"
CPUS="$(nproc)"
MEM_MIB="$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)"
REAL_MEM=$((MEM_MIB > 2048 ? MEM_MIB - 1024 : MEM_MIB / 2))
$SUDO mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge /run/slurm /var/lib/munge /var/log/munge /etc/munge "$(dirname "$STATE")"
if [ ! -s /etc/munge/munge.key ]; then
  say "mungekey -c"
  $SUDO mungekey -c || die "mungekey -c failed"
fi
$SUDO chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
$SUDO chmod 0700 /etc/munge
if [ -e "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
  die "$CONF exists and was not written by this script; start that cluster's daemons yourself (sinfo must show the node idle), or move the file away"
fi
$SUDO tee "$CONF" >/dev/null <<EOF
$MARK for host $HOST
ClusterName=local
SlurmctldHost=$HOST
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
NodeName=$HOST CPUs=$CPUS RealMemory=$REAL_MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF

# 3. The daemons, in order; each one only when not running, and recorded once started.
: | $SUDO tee -a "$STATE" >/dev/null
running() { pgrep -x "$1" >/dev/null 2>&1; }
record() {
  local name="$1" pidfile="$2" pid=""
  for _ in $(seq 1 50); do
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && break
    sleep 0.1
  done
  [ -n "$pid" ] || die "$name did not start (no pid in $pidfile); see its log under /var/log/slurm or /var/log/munge"
  echo "$name $pid" | $SUDO tee -a "$STATE" >/dev/null
  say "$name started (pid $pid)"
}
if ! running munged; then
  $SUDO runuser -u munge -- /usr/sbin/munged || die "munged did not start (see /var/log/munge/munged.log)"
  record munged /run/munge/munged.pid
fi
if ! running slurmctld; then
  $SUDO slurmctld || die "slurmctld did not start (see /var/log/slurm/slurmctld.log)"
  record slurmctld /run/slurm/slurmctld.pid
fi
if ! running slurmd; then
  $SUDO slurmd || die "slurmd did not start (see /var/log/slurm/slurmd.log)"
  record slurmd /run/slurm/slurmd.pid
fi

# 4. The node idle (about 3 s after slurmd starts).
for _ in $(seq 1 120); do
  state="$(node_state)"
  if [ "$state" = "idle" ]; then
    say "ok: node $HOST idle ($CPUS CPUs, ${REAL_MEM} MiB), slurm $(sinfo --version | awk '{print $2}')"
    exit 0
  fi
  sleep 0.5
done
die "node $HOST is not idle after 60 s (sinfo: '$(node_state)'); see /var/log/slurm/slurmctld.log and slurmd.log"
