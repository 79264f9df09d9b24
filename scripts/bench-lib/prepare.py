"""Getting the tools in place: nginx and the peers (apt-get, only what is missing), and bgfetch.

bgfetch runs from a snapshot (the launcher, target/bgfetch.jar and target/lib copied into the
bench's temp dir): a rebuild during the bench (someone editing the sources) can then neither
land inside a timed run nor mix two builds in one table.
"""
import fcntl
import os
import platform
import re
import shutil
import subprocess
import time
from pathlib import Path

from processes import SetupError, capture, run_timed

PEERS = {"curl": "curl", "aria2c": "aria2", "axel": "axel"}  # command -> Debian package
APT_TIMEOUT = 900
BUILD_TIMEOUT = 1800


def find_nginx():
    """nginx lives in /usr/sbin on Debian, which is not on every user's PATH."""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def install_missing(logs, say):
    """Installs nginx and the peers when absent; returns the peers that are there now.

    A peer that cannot be installed is left out (its columns stay empty); nginx is required.
    """
    missing = [pkg for cmd, pkg in PEERS.items() if not shutil.which(cmd)]
    if not find_nginx():
        missing.append("nginx")
    if missing:
        say(f"installing {' '.join(missing)} with apt-get (they are missing)")
        apt = apt_get_command()
        if apt is None:
            say("cannot run apt-get here (needs root or passwordless sudo)")
        elif not apt_install(apt, missing, logs):
            # Stale package lists are the usual cause: refresh once, then one package at a time
            # so one that does not exist does not keep the others out.
            apt_run(apt, ["update", "-q"], logs / "apt-update.log")
            for pkg in missing:
                apt_install(apt, [pkg], logs)
    peers = [cmd for cmd in PEERS if shutil.which(cmd)]
    for cmd in PEERS:
        if cmd not in peers:
            say(f"{cmd} is missing and could not be installed: going on without it")
    if not find_nginx():
        raise SetupError("nginx is missing and could not be installed (Debian package 'nginx')")
    return peers


def apt_get_command():
    if os.geteuid() == 0:
        return ["apt-get"]
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    return None


def apt_install(apt, packages, logs):
    return apt_run(apt, ["install", "-y", "-q", *packages], logs / f"apt-install-{'-'.join(packages)}.log")


def apt_run(apt, args, log):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return run_timed([*apt, *args], timeout=APT_TIMEOUT, log=log, env=env).status == 0


def build_bgfetch(root, logs, env, say):
    """The launcher builds target/bgfetch.jar when it is missing or older than the sources."""
    jar = root / "target" / "bgfetch.jar"
    if not jar.exists():
        say("building bgfetch (first use) ...")
    run = run_timed([root / "scripts" / "bgfetch", "--version"], timeout=BUILD_TIMEOUT,
                    log=logs / "build.log", env=env)
    if run.problem:
        raise SetupError(f"could not build bgfetch: {run.problem}")


def snapshot_bgfetch(root, dest, env):
    """Copies the launcher, the jar and its lib/ into dest; returns the copied launcher.

    The copy finds no sources next to it, so it never rebuilds. Its first (untimed) call below
    makes its class-data-sharing archive, as the launcher does on first use.
    """
    (dest / "scripts").mkdir(parents=True)
    (dest / "target").mkdir()
    with build_lock(root):
        shutil.copy2(root / "scripts" / "bgfetch", dest / "scripts" / "bgfetch")
        shutil.copy2(root / "target" / "bgfetch.jar", dest / "target" / "bgfetch.jar")
        if (root / "target" / "lib").is_dir():
            shutil.copytree(root / "target" / "lib", dest / "target" / "lib")
    launcher = dest / "scripts" / "bgfetch"
    capture([launcher, "--version"], timeout=120, env=env)
    return launcher


class build_lock:
    """Holds the launcher's build lock (target.build.lock) if there is one: no half-built jar."""

    def __init__(self, root, timeout=300):
        self.path, self.timeout, self.file = root / "target.build.lock", timeout, None

    def __enter__(self):
        if not self.path.exists():
            return self
        self.file = open(self.path, "a")
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise SetupError(f"{self.path} stayed locked (a build?) for {self.timeout} s")
                time.sleep(0.2)

    def __exit__(self, *exc):
        if self.file:
            self.file.close()  # closing releases the lock


def describe_machine(work, peers, nginx, launcher, env):
    """What the numbers came from: CPUs, kernel, file system, and each tool's version."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")
    fs = capture(["df", "--output=fstype", work], timeout=10, env=env).split()[-1]
    versions = {"bgfetch": capture([launcher, "--version"], timeout=60, env=env),
                "java": capture([env.get("BGFETCH_JAVA", "java"), "-version"], timeout=30, env=env, merge=True),
                "nginx": capture([nginx, "-v"], timeout=10, env=env, merge=True)}
    for peer in peers:
        versions[peer] = capture([peer, "--version"], timeout=10, env=env)
    versions = {tool: f"{tool} {version_number(text)}" for tool, text in versions.items()}
    return {"cpus": os.cpu_count(), "cpu": cpu, "kernel": platform.release(), "fs": fs,
            "versions": versions}


def version_number(text):
    """The first dotted number of a --version text: 'aria2 version 1.36.0 ...' -> '1.36.0'."""
    found = re.search(r"\d+(?:\.\d+)+", text)
    return found.group(0) if found else "?"
