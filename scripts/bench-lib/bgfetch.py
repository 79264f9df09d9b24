"""bgfetch as the bench drives it: one warm daemon in a temp BGFETCH_HOME, and its clients.

The daemon is a long-lived service, so its start is not timed; every timed bgfetch run is a
client command (`fetch ID ... --wait --dest DIR`, `list`) against that running daemon.
"""
import json

from processes import (BenchError, alive, capture, compiler_cpu_seconds, cpu_seconds, loopback_env, run_timed,
                       stop_pid, wait_gone)

HELPER_TIMEOUT = 60  # untimed helper calls (status, match, rm): generous, but bounded


class Bgfetch:
    def __init__(self, launcher, home):
        self.launcher, self.home = launcher, home
        # The memory case holds 100 transfers in flight: lift the daemon-wide limit (16 by
        # default) so that they all run. The other cases ask for at most 16 at once (-j 16).
        self.env = loopback_env(BGFETCH_HOME=str(home), BGFETCH_MAX_TRANSFERS="100")
        self.pids = set()  # every daemon we saw for this home: cleanup stops each one

    def command(self, *args):
        return [self.launcher, *args]

    def call(self, *args, timeout=HELPER_TIMEOUT):
        return capture(self.command(*args), timeout=timeout, env=self.env)

    def timed(self, *args, timeout, log):
        return run_timed(self.command(*args), timeout=timeout, log=log, env=self.env)

    def start_daemon(self):
        self.call("daemon", "start")
        self.pids.add(self.daemon_pid())

    @property
    def pid(self):
        """The daemon the measurements read /proc of; it must be the one we started."""
        (pid,) = self.pids
        if not alive(pid):
            raise BenchError(f"the bgfetch daemon (pid {pid}) died; its log: {self.home / 'daemon.log'}")
        return pid

    def daemon_pid(self):
        return json.loads(self.call("daemon", "status", "--json"))["pid"]

    def cpu_seconds(self):
        return cpu_seconds(self.pid)

    def compiler_cpu_seconds(self):
        return compiler_cpu_seconds(self.pid)

    def records(self, fetch_id):
        return json.loads(self.call("match", fetch_id, "--json"))

    def forget(self, fetch_id, abort=False):
        """Removes a fetch (aborting it first if it may still run), so the store stays small."""
        if abort:
            try:
                self.call("abort", fetch_id)
            except BenchError:
                pass  # it has ended meanwhile: nothing to abort
        self.call("rm", fetch_id)

    def stop_daemon(self):
        """'daemon stop' (graceful), then SIGTERM/SIGKILL by PID for any daemon still there."""
        try:
            self.pids.add(self.daemon_pid())  # a daemon a client restarted behind our back
        except BenchError:
            pass  # none answers
        try:
            self.pids.add(int((self.home / "daemon.pid").read_text().split()[0]))
        except (OSError, ValueError, IndexError):
            pass
        if any(alive(pid) for pid in self.pids):
            try:
                self.call("daemon", "stop", timeout=30)
            except BenchError:
                pass
        for pid in self.pids:
            if not wait_gone(pid, 10) and self.is_ours(pid):
                stop_pid(pid, grace=5)

    def is_ours(self, pid):
        """A daemon of our snapshot (its class path names the bench's temp dir), not a reused PID."""
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read().decode(errors="replace")
        except OSError:
            return False
        return str(self.launcher.parent.parent) in cmdline
