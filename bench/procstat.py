"""What the benchmarks read of a process from /proc (memory, CPU, descriptors, children),
and how they end what a run left behind."""
import os
import signal

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def status_kb(pid, field):
    """A kB field of /proc/PID/status (VmRSS, VmHWM...); 0 if absent."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """User + system CPU time of the process so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def descriptors(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def children(pid):
    """(live, zombie) counts of the process's children."""
    live = zombies = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            if fields[0] == "Z":
                zombies += 1
            else:
                live += 1
    return live, zombies


def kill_session(pid):
    """KILLs the process group `pid` leads (angel started with start_new_session, and the
    programs it leaves behind by design); nothing if it is gone."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
