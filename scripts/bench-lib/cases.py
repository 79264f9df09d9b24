"""The cases of issue 8, one function each.

A download case runs one round: each tool once, into an empty directory, in an order that
rotates from round to round (so no tool always goes first, or always follows the same one).
Before each timed run the bench syncs the disk (untimed), so no tool pays for the writeback of
the one before. Every output is checked against the source's sha256, then deleted; an output of
many files is set aside until the bench ends instead (Bench.discard says why).
"""
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from processes import BenchError, loopback_env, rss_mib, run_timed, status_field
from server import CAP_BYTES_PER_SECOND, check_dir

CONNECTIONS = 8        # the capped case
SMALL_AT_ONCE = 16     # the small-files case
LIST_CALLS = 7         # `bgfetch list` calls per round
IN_FLIGHT = 100        # transfers in flight for the daemon's RSS
MANY_FILES = 16        # an output of this many files is kept until the end (Bench.discard)


@dataclass
class Bench:
    """What every case needs."""
    work: Path
    files: object      # server.TestFiles
    nginx: object      # server.Nginx
    bgfetch: object    # bgfetch.Bgfetch
    peers: list        # the peer commands that are installed
    results: object    # report.Results
    timeout: float     # bound on each timed run
    say: object

    def fresh_dir(self, name):
        path = self.work / "out" / name
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def discard(self, path):
        """Done with a checked output. One of many files is moved aside (one rename) and deleted
        with the rest of the work dir when the bench ends, not now: on an ext4 without a journal
        (these VMs' disks) a new file's inode skips every inode of its block group deleted in the
        last minute or more, so deleting 1000 files made the next tool pay 0.2-0.7 ms of kernel
        time for each file it created (curl took 0.62 s in the round it ran first, 1.07 s after
        a deletion), a cost of the order the tools ran in, not of the tools."""
        if sum(1 for _ in zip(range(MANY_FILES), path.iterdir())) < MANY_FILES:
            shutil.rmtree(path, ignore_errors=True)
            return
        kept = self.work / "kept"
        kept.mkdir(exist_ok=True)
        path.rename(kept / f"{path.name}-{len(list(kept.iterdir()))}")

    def log(self, name):
        return self.work / "logs" / f"{name}.log"

    def write(self, name, lines):
        path = self.work / name
        path.write_text("".join(line + "\n" for line in lines))
        return path


# --- the cases ---------------------------------------------------------------------------------

def case_big(b, rnd):
    """One big file over one stream."""
    url = b.nginx.url("big/big.bin")
    run_tools(b, "big", rnd, {
        "curl": lambda out: ["curl", "-q", "-sS", "-f", "-o", out / "big.bin", url],
        "aria2c": lambda out: ["aria2c", "--no-conf", "-q", "-x1", "-s1", "-d", out, "-o", "big.bin", url],
        "bgfetch": [url],
    })


def case_capped(b, rnd):
    """A file whose server caps each connection at 20 MiB/s, over 8 connections (curl has none)."""
    url = b.nginx.url("capped/capped.bin")
    n = str(CONNECTIONS)
    run_tools(b, "capped", rnd, {
        # -k 1M: aria2c would not split a file under 8 x its 20 MiB minimum piece otherwise
        "aria2c": lambda out: ["aria2c", "--no-conf", "-q", "-x", n, "-s", n, "-k", "1M", "-d", out,
                               "-o", "capped.bin", url],
        "axel": lambda out: ["axel", "-q", "-n", n, "-o", out / "capped.bin", url],
        "bgfetch": [url, "-c", n],
    })


def case_small(b, rnd):
    """Many small files in one fetch, 16 at once; also the CPU time per file of each tool."""
    urls = [b.nginx.url(f"small/{name}") for name in sorted(b.files.expected["small"])]
    url_list = b.write("small-urls.txt", urls)
    curl_config = b.write("small-curl.cfg", [f'url = "{u}"' for u in urls])
    n = str(SMALL_AT_ONCE)
    cpu = run_tools(b, "small", rnd, {
        "curl": lambda out: ["curl", "-q", "-sS", "-f", "-Z", "--parallel-max", n, "--remote-name-all",
                             "--output-dir", out, "-K", curl_config],
        "aria2c": lambda out: ["aria2c", "--no-conf", "-q", f"-j{n}", "-i", url_list, "-d", out],
        "bgfetch": ["-i", url_list, "-j", n],
    })
    # The daemon's CPU a file, and for scale every other tool's (its whole process, kernel time
    # included: creating a file costs the same system time whoever asks) and bgfetch's client's.
    for tool, seconds in cpu.items():
        name = "cpu_ms_per_small_file" if tool == "bgfetch" else f"cpu_ms_per_small_file_{tool}"
        b.results.add_value(name, 1000 * seconds / len(urls))


def case_scale(b, rnd):
    """One fetch of N small URLs for each N (10, 1,000, 10,000): the time and daemon CPU per file
    should not grow with N. The URLs differ only in their query, so one file on disk serves them
    all; bgfetch names them s.bin, s-1.bin, ... under --dest, and every one is checked."""
    sha = b.files.expected["scale"]["s.bin"]
    for n in b.files.sizes.scale_counts:
        urls = b.write(f"scale-{n}-urls.txt", [b.nginx.url(f"scale/s.bin?n={i}") for i in range(n)])
        expected = {("s.bin" if i == 0 else f"s-{i}.bin"): sha for i in range(n)}
        bg, fetch_id = b.bgfetch, f"scale-{n}-r{rnd}"
        out = b.fresh_dir(f"scale-{n}")
        os.sync()
        cpu_before = bg.cpu_seconds()
        run = bg.timed("fetch", fetch_id, "-i", urls, "-j", str(SMALL_AT_ONCE), "--wait", "--dest", out,
                       timeout=b.timeout, log=b.log(f"scale-{n}-r{rnd}"))
        cpu = bg.cpu_seconds() - cpu_before
        problem = run.problem or check_dir(out, expected)
        b.results.add_run(f"scale-{n}", "bgfetch", run.seconds / n, problem)
        if problem:
            b.say(f"FAILED: scale {n} round {rnd}: {problem}")
        else:
            b.results.add_value(f"scale_cpu_{n}", cpu / n)
            b.say(f"  round {rnd} scale {n}: {run.seconds:.2f} s, {1000 * run.seconds / n:.2f} ms and "
                  f"{1000 * cpu / n:.2f} ms daemon CPU a file, sha256 ok")
        bg.forget(fetch_id, abort=run.status != 0)
        b.discard(out)


def case_list(b, rnd):
    """`bgfetch list` to the running daemon: a client's whole life, JVM start to exit."""
    for i in range(LIST_CALLS):
        run = b.bgfetch.timed("list", timeout=b.timeout, log=b.log(f"list-r{rnd}-{i}"))
        b.results.add_run("list", "bgfetch", run.seconds, run.problem)
        if run.problem:
            b.say(f"FAILED: list round {rnd}: {run.problem}")
    median = b.results.median("list", "bgfetch")
    if median is not None:
        b.say(f"  round {rnd} list: median {1000 * median:.0f} ms so far")


IDLE_SETTLE_SECONDS = 45   # transfer threads leave after 30 s idle; the heap and native trims follow


def daemon_idle(b, when):
    """The daemon's resident memory and threads while it has nothing to do. After other cases,
    idle means settled: it waits (up to IDLE_SETTLE_SECONDS) until the threads of the last
    transfers have left, then for the daemon's periodic native-heap trim (5 s)."""
    pid = b.bgfetch.pid
    if when != "start":
        settle_by = time.monotonic() + IDLE_SETTLE_SECONDS
        idle_threads = b.results.value("threads_idle_start") or 0
        while status_field(pid, "Threads") > idle_threads + 2 and time.monotonic() < settle_by:
            time.sleep(0.5)
        time.sleep(6)
    b.results.set_value(f"rss_idle_{when}", rss_mib(pid))
    b.results.set_value(f"threads_idle_{when}", status_field(pid, "Threads"))


def case_memory(b):
    """The daemon's RSS idle after the other cases, then with 100 transfers in flight.

    The transfers read the capped file at 64 KiB/s each, so they stay in flight while the
    bench samples /proc; then the fetch is aborted and removed.
    """
    daemon_idle(b, "after")
    bg, fetch_id = b.bgfetch, "memory"
    url_list = b.write("slow-urls.txt", [b.nginx.url(f"slow/capped.bin?n={i}") for i in range(IN_FLIGHT)])
    bg.call("fetch", fetch_id, "-i", url_list, "-j", str(IN_FLIGHT))
    try:
        in_flight = wait_in_flight(bg, fetch_id, IN_FLIGHT, seconds=60)
        rss, threads = 0.0, 0
        for _ in range(5):  # buffers fill up over the first moments: keep the highest
            rss, threads = max(rss, rss_mib(bg.pid)), max(threads, status_field(bg.pid, "Threads"))
            time.sleep(0.4)
    finally:
        bg.forget(fetch_id, abort=True)
    b.results.set_value("in_flight", in_flight)
    b.results.set_value("rss_in_flight", rss)
    b.results.set_value("threads_in_flight", threads)
    b.say(f"  memory: {rss:.0f} MiB and {threads} threads with {in_flight} transfers in flight")
    many_fetches(b)


def many_fetches(b):
    """The same 100 slow transfers as 100 fetches of one URL each: the daemon's cost per fetch
    (RSS, threads) should stay what it is per transfer."""
    bg = b.bgfetch
    ids = [f"memory-{i}" for i in range(IN_FLIGHT)]
    # The aborted transfers' threads linger a moment: start from a settled daemon.
    settle_by = time.monotonic() + 30
    while status_field(bg.pid, "Threads") > b.results.value("threads_idle_start") + 4 and time.monotonic() < settle_by:
        time.sleep(0.2)
    try:
        for i, fetch_id in enumerate(ids):
            bg.call("fetch", fetch_id, b.nginx.url(f"slow/capped.bin?f={i}"))
        in_flight, deadline = 0, time.monotonic() + 60
        while time.monotonic() < deadline:
            in_flight = sum(1 for f in json.loads(bg.call("list", "--json"))
                            if f["id"] in ids and f["state"] == "active" and f["downloaded"] > 0)
            if in_flight >= IN_FLIGHT:
                break
            time.sleep(0.2)
        rss, threads = 0.0, 0
        for _ in range(5):
            rss, threads = max(rss, rss_mib(bg.pid)), max(threads, status_field(bg.pid, "Threads"))
            time.sleep(0.4)
    finally:
        for fetch_id in ids:
            try:
                bg.forget(fetch_id, abort=True)
            except BenchError:
                pass  # never registered (the run failed before it)
    b.results.set_value("fetches_in_flight", in_flight)
    b.results.set_value("rss_fetches", rss)
    b.results.set_value("threads_fetches", threads)
    b.say(f"  memory: {rss:.0f} MiB and {threads} threads with {in_flight} fetches of one transfer in flight")


def wait_in_flight(bg, fetch_id, wanted, seconds):
    """Polls the fetch's records until `wanted` of them are receiving bytes (or time runs out);
    returns how many are."""
    deadline, receiving = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        receiving = sum(1 for r in bg.records(fetch_id) if r["state"] == "active" and r["downloaded"] > 0)
        if receiving >= wanted:
            break
        time.sleep(0.2)
    return receiving


WARM_UP_FETCHES = 4     # untimed small-files fetches before round 1: at least this many...
WARM_UP_MAX = 40        # ...at most this many...
JIT_SETTLED = 0.05      # ...until the JIT compilers took under this share of the daemon's CPU...
SETTLED_IN_A_ROW = 3    # ...in this many fetches in a row


def warm_up(b):
    """Untimed, before round 1: small-files fetches until the daemon's JIT has settled, one fetch
    of each big file that a case reads, and `list` calls, so that the daemon has compiled the
    paths it is timed on (the 'warm daemon' of the issue: a daemon runs for days).

    Settled: the JIT compiler threads took under JIT_SETTLED of the daemon's CPU in
    SETTLED_IN_A_ROW warm-up fetches in a row (at least WARM_UP_FETCHES fetches, at most
    WARM_UP_MAX). Measured here on a new daemon, 1000 x 100 KiB a fetch: the compilers took
    1.5 s of 4.2 s of CPU in the first fetch, 1.1 s in the second, 0.03-0.5 s in fetches 3-20,
    then 0.01 s or less in most fetches from the 21st on. A method run once per file reaches
    C2's thresholds (15,000 calls) only after some 15 fetches, so one quiet fetch says little:
    the earlier rule (one fetch under 10%) was met by chance in fetches 10-17, and the JIT then
    took 0.2-0.36 s of the timed fetches. Without a capped fetch first, round 1 of the capped
    case took 0.3-1.5 s longer than rounds 2 and 3, and the first big run 1-2 s longer.

    The first fetch, on a daemon that has just started, is what a CI job in a new container
    pays every time: its time and CPU are kept and shown apart ('first_fetch_*')."""
    if b.files.expected["small"] or b.files.expected["scale"]:
        urls = ([b.nginx.url(f"small/{name}") for name in sorted(b.files.expected["small"])]
                or [b.nginx.url(f"scale/s.bin?warm={i}") for i in range(1000)])
        expected = b.files.expected["small"] or {("s.bin" if i == 0 else f"s-{i}.bin"): b.files.expected["scale"]["s.bin"]
                                                 for i in range(1000)}
        url_list = b.write("warm-up-urls.txt", urls)
        share, quiet = None, 0
        for n in range(1, WARM_UP_MAX + 1):
            cpu, jit = b.bgfetch.cpu_seconds(), b.bgfetch.compiler_cpu_seconds()
            run = warm_up_fetch(b, f"small-{n}", ["-i", url_list, "-j", str(SMALL_AT_ONCE)], expected)
            if run is None:
                break
            cpu, jit = b.bgfetch.cpu_seconds() - cpu, b.bgfetch.compiler_cpu_seconds() - jit
            if n == 1:
                b.results.set_value("first_fetch_files", len(urls))
                b.results.set_value("first_fetch_seconds", run.seconds)
                b.results.set_value("first_fetch_cpu_ms_per_file", 1000 * cpu / len(urls))
            share = jit / cpu if cpu > 0 else 0.0
            quiet = quiet + 1 if share < JIT_SETTLED else 0
            b.results.set_value("warm_up_fetches", n)
            b.results.set_value("warm_up_jit_share", share)
            if n >= WARM_UP_FETCHES and quiet >= SETTLED_IN_A_ROW:
                break
        if share is not None:
            b.results.set_value("warm_up_settled", 1 if quiet >= SETTLED_IN_A_ROW else 0)
            b.say(f"  warm-up: {b.results.value('warm_up_fetches')} small-files fetches; the JIT took "
                  f"{100 * share:.0f}% of the daemon's CPU in the last")
    if b.files.sizes.capped:
        warm_up_fetch(b, "capped", [b.nginx.url("capped/capped.bin"), "-c", str(CONNECTIONS)],
                      b.files.expected["capped"])
    if b.files.sizes.big:
        warm_up_fetch(b, "big", [b.nginx.url("big/big.bin")], b.files.expected["big"])
    for i in range(3):
        b.bgfetch.timed("list", timeout=b.timeout, log=b.log(f"warm-up-list-{i}"))


def warm_up_fetch(b, name, args, expected):
    """One untimed `fetch --wait --dest` of the warm-up, checked; the run, or None (and a failure
    recorded) when it went wrong."""
    out = b.fresh_dir(f"warm-up-{name}")
    run = b.bgfetch.timed("fetch", "warm-up", *args, "--wait", "--dest", out, timeout=b.timeout,
                          log=b.log(f"warm-up-{name}"))
    problem = run.problem or check_dir(out, expected)
    if problem:
        b.results.add_run("warm-up", "bgfetch", run.seconds, problem)
        b.say(f"FAILED: bgfetch warm-up ({name}): {problem}")
    b.bgfetch.forget("warm-up", abort=run.status != 0)
    b.discard(out)
    return None if problem else run


# --- one round of a download case ---------------------------------------------------------------

def run_tools(b, case, rnd, commands):
    """Runs each tool of a case once. commands maps a peer to a function from the output
    directory to its command line, and 'bgfetch' to the arguments of its fetch.
    Returns the CPU seconds of each run that succeeded: a peer's process, bgfetch's daemon
    ('bgfetch') and bgfetch's client ('client')."""
    tools = [t for t in commands if t == "bgfetch" or t in b.peers]
    shift = (rnd - 1) % len(tools)
    cpu = {}
    for tool in tools[shift:] + tools[:shift]:
        out = b.fresh_dir(f"{case}-{tool}")
        if tool == "bgfetch":
            cpu.update(run_bgfetch(b, case, rnd, commands[tool], out))
        else:
            os.sync()
            run = run_timed(commands[tool](out), timeout=b.timeout, log=b.log(f"{case}-{tool}-r{rnd}"),
                            env=loopback_env())
            if check_run(b, case, tool, rnd, run, out):
                cpu[tool] = run.cpu_seconds
    return cpu


def run_bgfetch(b, case, rnd, args, out):
    """`bgfetch fetch ID ARGS --wait --dest OUT` against the warm daemon; returns the daemon's
    and client's CPU seconds during the run ('bgfetch', 'client'), none when the run failed. The
    fetch is removed after."""
    bg, fetch_id = b.bgfetch, f"{case}-r{rnd}"
    os.sync()
    cpu_before = bg.cpu_seconds()
    run = bg.timed("fetch", fetch_id, *args, "--wait", "--dest", out, timeout=b.timeout,
                   log=b.log(f"{case}-bgfetch-r{rnd}"))
    cpu = bg.cpu_seconds() - cpu_before
    ok = check_run(b, case, "bgfetch", rnd, run, out,
                   extra=f", daemon CPU {cpu:.2f} s, client CPU {run.cpu_seconds:.2f} s")
    bg.forget(fetch_id, abort=run.status != 0)
    return {"bgfetch": cpu, "client": run.cpu_seconds} if ok else {}


def check_run(b, case, tool, rnd, run, out, extra=""):
    """Checks every output file, records the run (or its failure, loudly), discards the output."""
    problem = run.problem or check_dir(out, b.files.expected[case])
    b.results.add_run(case, tool, run.seconds, problem)
    if problem:
        b.say(f"FAILED: {case} {tool} round {rnd}: {problem}")
    else:
        rate = sum_sizes(b, case) / run.seconds / (1 << 20)
        b.say(f"  round {rnd} {case} {tool}: {run.seconds:.2f} s ({rate:.0f} MiB/s{extra}), sha256 ok")
    b.discard(out)
    return problem is None


def sum_sizes(b, case):
    s = b.files.sizes
    return {"big": s.big, "capped": s.capped, "small": s.small_count * s.small_size}[case]


def cap_percent(size, seconds):
    """How close a capped download came to 8 connections at the cap each."""
    return 100 * size / seconds / (CONNECTIONS * CAP_BYTES_PER_SECOND)
