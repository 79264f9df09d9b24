"""The other end: random test files, and our own nginx serving them on 127.0.0.1.

Layout of the web root (every case has its own directory, so each output can be checked
against exactly the files of its case):
  big/big.bin          served as is
  capped/capped.bin    served at 20 MiB/s per connection (nginx limit_rate 20m)
  small/f0001.bin ...  served as is
  scale/s.bin          one small file, asked for under many URLs (s.bin?n=1, ...) by the scale case
  /slow/capped.bin     the capped file again at 64 KiB/s: transfers that stay in flight
"""
import hashlib
import http.client
import os
import signal
import socket
import subprocess
import time

from processes import SetupError

CAP_BYTES_PER_SECOND = 20 * 1024 * 1024  # nginx "20m" is MiB
SLOW_RATE = "64k"
CHUNK = 1 << 20


class TestFiles:
    """Writes the files (random bytes, so nothing can compress or deduplicate them) and keeps
    the sha256 of each: what every tool's output must reproduce, byte for byte."""

    def __init__(self, www, sizes):
        self.www, self.sizes = www, sizes
        self.expected = {"big": {"big.bin": write_random(www / "big" / "big.bin", sizes.big)},
                         "capped": {"capped.bin": write_random(www / "capped" / "capped.bin", sizes.capped)},
                         "small": {}, "scale": {}}
        for i in range(1, sizes.small_count + 1):
            name = f"f{i:04d}.bin"
            self.expected["small"][name] = write_random(www / "small" / name, sizes.small_size)
        if sizes.scale_counts:
            self.expected["scale"]["s.bin"] = write_random(www / "scale" / "s.bin", sizes.scale_size)
        self.probe = os.urandom(16).hex()  # proves that a server on our port is our nginx
        (www / "probe.txt").write_text(self.probe)

    def total_bytes(self):
        s = self.sizes
        return s.big + s.capped + s.small_count * s.small_size


def write_random(path, size):
    """Writes size random bytes to path; returns their sha256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        for offset in range(0, size, CHUNK):
            block = os.urandom(min(CHUNK, size - offset))
            digest.update(block)
            f.write(block)
    return digest.hexdigest()


def check_dir(out, expected):
    """None when the directory out holds exactly the expected files with the expected bytes,
    else what is wrong (a missing or extra file, a wrong byte)."""
    names = set(os.listdir(out)) if out.is_dir() else set()
    missing, extra = sorted(set(expected) - names), sorted(names - set(expected))
    if missing or extra:
        wrong = ([f"{len(missing)} file(s) missing, such as {missing[0]}"] if missing else []) + \
                ([f"{len(extra)} unexpected file(s), such as {extra[0]}"] if extra else [])
        return f"{out}: {' and '.join(wrong)}"
    for name, sha in sorted(expected.items()):
        if sha256_of(out / name) != sha:
            return f"{out / name}: sha256 differs from the source (wrong bytes)"
    return None


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


class Nginx:
    """Our own nginx: a temp config and root, 127.0.0.1 and a free port, stopped by its PID."""

    def __init__(self, binary, files, workdir):
        self.binary, self.files, self.dir = binary, files, workdir
        self.proc, self.port = None, None

    def url(self, path):
        return f"http://127.0.0.1:{self.port}/{path}"

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        for attempt in range(5):  # a port free a moment ago may be taken by the time nginx binds
            self.port = free_port()
            (self.dir / "nginx.conf").write_text(self.config())
            with open(self.dir / "stdout.log", "ab") as log:
                self.proc = subprocess.Popen(
                    [self.binary, "-p", self.dir, "-e", self.dir / "error.log", "-c", self.dir / "nginx.conf"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            if self.wait_ready(10):
                return
            self.stop()
        log = (self.dir / "error.log").read_text(errors="replace").strip().splitlines()[-3:]
        raise SetupError(f"nginx did not start: {' | '.join(log)}")

    def wait_ready(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/probe.txt")
                if conn.getresponse().read().decode(errors="replace") == self.files.probe:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    def stop(self):
        """SIGTERM to the master and its workers (its own process group), SIGKILL if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def config(self):
        d, www = self.dir, self.files.www
        # As root, nginx's workers would switch to an unprivileged user that cannot read our
        # private temp dir; as any other user the directive is ignored, so leave it out.
        user = "user root;" if os.geteuid() == 0 else ""
        # Every compiled-in module wants a writable temp dir (the default is under /var/lib).
        temps = "\n".join(f"    {m}_temp_path {d}/tmp-{m};" for m in temp_modules(self.binary))
        return f"""# Written by scripts/bench: foreground (the bench holds the PID), static files only.
daemon off;
{user}
worker_processes auto;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    default_type application/octet-stream;
{temps}
    server {{
        listen 127.0.0.1:{self.port};
        root {www};
        location / {{ }}
        location /capped/ {{ limit_rate 20m; }}
        location /slow/ {{ alias {www}/capped/; limit_rate {SLOW_RATE}; }}
    }}
}}
"""


def temp_modules(binary):
    built = subprocess.run([binary, "-V"], capture_output=True, text=True, timeout=10).stderr
    return [m for m in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            if f"--without-http_{m}_module" not in built]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
