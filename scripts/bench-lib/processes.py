"""Running commands with a time bound, stopping what we started, and reading /proc.

Every command the bench runs goes through here, so every one of them is bounded in time and
killed (with everything it started in its process group) when the bound runs out or the bench
is interrupted.
"""
import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


class BenchError(Exception):
    """Something went wrong that the bench cannot measure around (it stops, exit 1)."""


class SetupError(BenchError):
    """The bench cannot start: a missing tool, a failed build, no disk space (exit 3)."""


def loopback_env(**extra):
    """The environment for every tool: no proxy may sit between a tool and our nginx."""
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    env.update(no_proxy="127.0.0.1,localhost", NO_PROXY="127.0.0.1,localhost", NO_COLOR="1", LC_ALL="C")
    env.update(extra)
    return env


@dataclass
class Run:
    """One finished (or abandoned) command: its wall time and how it ended."""
    seconds: float
    status: Optional[int]  # None when it ran out of time and was killed
    log: Path
    cpu_seconds: float = 0.0  # user + system time of the command and what it waited for

    @property
    def problem(self):
        """None for a clean exit, else a few words and the end of its output."""
        if self.status == 0:
            return None
        what = "timed out and was killed" if self.status is None else f"exited {self.status}"
        return f"{what}; last output: {tail(self.log)!r} (log: {self.log})"


def tail(path, lines=3):
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


def run_timed(cmd, *, timeout, log, env):
    """Runs cmd with its output going to the file log; the wall time covers start to exit.

    The command gets its own process group so a timeout (or Ctrl-C on the bench) kills it and
    whatever it forked, and nothing else.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        # The bench runs one command at a time, so what its children used grows by this one's.
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        proc = subprocess.Popen([str(c) for c in cmd], stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, env=env, start_new_session=True)
        # A blocking wait, bounded by a timer that kills the group: Popen.wait(timeout) polls
        # with sleeps that grow to 50 ms, and so rounded every run up to its next poll (a
        # `bgfetch list` of 85-90 ms was measured as 115 ms, run after run).
        timed_out = threading.Event()
        timer = threading.Timer(timeout, lambda: (timed_out.set(), signal_group(proc, signal.SIGKILL)))
        timer.daemon = True
        timer.start()
        try:
            status = proc.wait()
        except BaseException:
            timer.cancel()
            kill_group(proc)
            raise
        seconds = time.monotonic() - start
        timer.cancel()
        if timed_out.is_set():
            status = None
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return Run(seconds, status, Path(log), cpu)


def capture(cmd, *, timeout, env, merge=False):
    """Runs an untimed helper command and returns its stdout (and stderr, with merge).

    Raises BenchError when it fails or does not answer in time.
    """
    proc = subprocess.Popen([str(c) for c in cmd], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT if merge else subprocess.PIPE, env=env,
                            start_new_session=True, text=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        raise BenchError(f"{' '.join(map(str, cmd))}: no answer within {timeout} s")
    except BaseException:
        kill_group(proc)
        raise
    if proc.returncode != 0:
        raise BenchError(f"{' '.join(map(str, cmd))} exited {proc.returncode}: {(err or out).strip()[-300:]}")
    return out


def kill_group(proc):
    """SIGKILL to the process group of a child we started in its own session, then reap it."""
    signal_group(proc, signal.SIGKILL)
    proc.wait()


def signal_group(proc, sig):
    """A signal to the process group of a child we started in its own session, if it still has one."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass


def stop_pid(pid, *, grace):
    """SIGTERM, then SIGKILL after grace seconds, to one process we know we started."""
    if not alive(pid):
        return
    os.kill(pid, signal.SIGTERM)
    if not wait_gone(pid, grace):
        os.kill(pid, signal.SIGKILL)
        wait_gone(pid, 5)


def wait_gone(pid, seconds):
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def alive(pid):
    """True while pid runs; a zombie (dead, not yet reaped by its parent) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


# --- /proc readings of the bgfetch daemon ------------------------------------------------------

def status_field(pid, name):
    """A number from /proc/PID/status: VmRSS and VmHWM are in KiB, Threads is a count."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key == name:
            return int(value.split()[0])
    raise BenchError(f"no {name} in /proc/{pid}/status")


def rss_mib(pid):
    return status_field(pid, "VmRSS") / 1024


def cpu_seconds(pid):
    """User + system CPU time of all the process's threads so far (fields 14 and 15 of stat)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may hold spaces: skip past it
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def compiler_cpu_seconds(pid):
    """User + system CPU time so far of the JVM's JIT compiler threads (C1 and C2)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if not (task / "comm").read_text().startswith(("C1 CompilerThre", "C2 CompilerThre")):
                continue
            stat = (task / "stat").read_text()
        except OSError:
            continue  # the thread ended meanwhile
        fields = stat[stat.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")
