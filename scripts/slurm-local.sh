#!/usr/bin/env bash
# A single-node Slurm cluster on this machine for trying `evobox slurm` and for its test:
# munged, slurmctld and slurmd with a configuration in a temp folder, localhost only.
#
#   scripts/slurm-local.sh start [dir]   # prints `export SLURM_CONF=…` (eval it)
#   scripts/slurm-local.sh stop  [dir]
#
# Needs Debian's slurm-wlm and munge (apt-get install -y slurm-wlm munge) and root (slurmd
# starts jobs as their users). Ports 46817/46818 unless SLURM_CTLD_PORT / SLURM_D_PORT say
# otherwise. Nothing outside [dir] (default /tmp/evobox-slurm) is written.
set -euo pipefail

action=${1:-start}
dir=${2:-/tmp/evobox-slurm}
ctld_port=${SLURM_CTLD_PORT:-46817}
d_port=${SLURM_D_PORT:-46818}
conf="$dir/slurm.conf"
node=$(hostname -s)

stop() {
  for pidfile in "$dir/run/slurmd.pid" "$dir/run/slurmctld.pid" "$dir/munge/munged.pid"; do
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$pidfile"
    fi
  done
}

if [ "$action" = stop ]; then
  stop
  exit 0
fi
if [ "$action" != start ]; then
  echo "usage: $0 start|stop [dir]" >&2
  exit 2
fi
for tool in munged slurmctld slurmd sbatch; do
  command -v "$tool" >/dev/null || { echo "slurm-local: $tool not found (apt-get install -y slurm-wlm munge)" >&2; exit 3; }
done
if [ "$(id -u)" != 0 ]; then
  echo "slurm-local: slurmd must run as root to start jobs" >&2
  exit 3
fi

stop
for port in "$ctld_port" "$d_port"; do
  # A cluster started from another folder still holds the port: its daemons would answer
  # instead (or the new ones fail to bind), and jobs would wait on a node that is not ours.
  if command -v ss >/dev/null && [ -n "$(ss -Hltn "sport = :$port")" ]; then
    echo "slurm-local: port $port is in use (another cluster? scripts/slurm-local.sh stop <its dir>)" >&2
    exit 3
  fi
done
mkdir -p "$dir"/{munge,spool/ctld,spool/d,log,run}
chmod 700 "$dir/munge"
if [ ! -f "$dir/munge/munge.key" ]; then
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
fi
munged --force --key-file="$dir/munge/munge.key" --socket="$dir/munge/munge.socket" \
  --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/munged.seed"

cat > "$conf" <<CONF
ClusterName=evobox-local
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$dir/spool/ctld
SlurmdSpoolDir=$dir/spool/d
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# A job submitted while the node was still registering waits for the next pass of the
# scheduler: every 60 s by default, every 2 s here (one node, a handful of jobs).
SchedulerParameters=sched_interval=2,bf_interval=2
MpiDefault=none
ReturnToService=2
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2)) State=UNKNOWN
PartitionName=local Nodes=$node Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF

export SLURM_CONF="$conf"
slurmctld -f "$conf" -i
slurmd -f "$conf" -N "$node"
for _ in $(seq 1 100); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
    echo "export SLURM_CONF=$conf"
    exit 0
  fi
  sleep 0.2
done
echo "slurm-local: the node did not become idle in 20 s; see $dir/log/" >&2
sinfo >&2 || true
exit 1
