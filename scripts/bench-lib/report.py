"""The results of a bench run, and the one table that shows them (plain text or Markdown).

A time is the median of a tool's rounds, and the row under it gives the fastest and slowest
round; a tool with any failed run shows FAILED instead (the bench then exits 1). A ratio is
bgfetch / peer: above 1 means bgfetch took longer.
"""
import datetime
import statistics
from collections import defaultdict

from cases import CONNECTIONS, JIT_SETTLED, SETTLED_IN_A_ROW, SMALL_AT_ONCE, cap_percent

PEER_ORDER = ("curl", "aria2c", "axel")
DOWNLOAD_CASES = ("big", "capped", "small")
NONE = "-"


class Results:
    def __init__(self):
        self.runs = defaultdict(list)      # (case, tool) -> wall seconds of each good run
        self.problems = defaultdict(list)  # (case, tool) -> what went wrong, one per failed run
        self.values = defaultdict(list)    # name -> numbers measured once, or once a round

    def add_run(self, case, tool, seconds, problem):
        if problem:
            self.problems[(case, tool)].append(problem)
        else:
            self.runs[(case, tool)].append(seconds)

    def add_value(self, name, value):
        self.values[name].append(value)

    def set_value(self, name, value):
        self.values[name] = [value]

    def median(self, case, tool):
        """None when the tool did not run, or any of its runs failed."""
        if self.problems.get((case, tool)) or not self.runs.get((case, tool)):
            return None
        return statistics.median(self.runs[(case, tool)])

    def value(self, name):
        return statistics.median(self.values[name]) if self.values.get(name) else None

    def failures(self):
        return [f"{case} {tool}: {p}" for (case, tool), problems in self.problems.items() for p in problems]

    def ran(self, case, tool):
        return (case, tool) in self.runs or (case, tool) in self.problems


# --- the table -----------------------------------------------------------------------------------

def table(results, sizes):
    """The header and rows: one row per case, then the client's latency and the daemon's
    CPU, memory and threads (bgfetch only)."""
    peers = [p for p in PEER_ORDER if any(results.ran(c, p) for c in DOWNLOAD_CASES)]
    header = ["case", *peers, "bgfetch", *(f"bgfetch/{p}" for p in peers)]
    labels = {
        "big": f"big: one {human(sizes.big)} file, one stream",
        "capped": f"capped: {human(sizes.capped)}, {CONNECTIONS} connections of 20 MiB/s (% of cap)",
        "small": f"small: {sizes.small_count} x {human(sizes.small_size)}, {SMALL_AT_ONCE} at once",
    }
    rows = []
    for case in DOWNLOAD_CASES:
        if results.ran(case, "bgfetch"):
            rows.append(download_row(results, case, labels[case], peers, sizes))
            if max(len(results.runs.get((case, t), [])) for t in ["bgfetch", *peers]) > 1:
                rows.append(spread_row(results, case, peers))
    only_bgfetch = [NONE] * len(peers)
    for label, cell in daemon_rows(results):
        rows.append([label, *only_bgfetch, cell, *only_bgfetch])
    return header, rows


def download_row(results, case, label, peers, sizes):
    def cell(tool):
        if not results.ran(case, tool):
            return NONE
        seconds = results.median(case, tool)
        if seconds is None:
            return "FAILED"
        if case == "capped":
            return f"{seconds:.2f} s ({cap_percent(sizes.capped, seconds):.0f}%)"
        return f"{seconds:.2f} s"

    mine = results.median(case, "bgfetch")
    ratios = []
    for peer in peers:
        theirs = results.median(case, peer)
        ratios.append(f"{mine / theirs:.2f}x" if mine and theirs else NONE)
    return [label, *(cell(p) for p in peers), cell("bgfetch"), *ratios]


def spread_row(results, case, peers):
    """Each tool's fastest and slowest round of a case: how far apart the rounds behind a median
    were (on a noisy VM the same code has taken 2.2 s and 7.4 s for the big case)."""
    def cell(tool):
        runs = results.runs.get((case, tool))
        if not runs or results.problems.get((case, tool)):
            return NONE
        return f"{min(runs):.2f}-{max(runs):.2f} s"

    return [f"{case}: fastest-slowest round", *(cell(p) for p in peers), cell("bgfetch"), *([NONE] * len(peers))]


def daemon_rows(results):
    rows = []
    if results.ran("list", "bgfetch"):
        latency = results.median("list", "bgfetch")
        n = len(results.runs[("list", "bgfetch")]) + len(results.problems[("list", "bgfetch")])
        rows.append((f"list: `bgfetch list` latency (median of {n})",
                     f"{1000 * latency:.0f} ms" if latency is not None else "FAILED"))
    first = results.value("first_fetch_seconds")
    if first is not None:
        rows.append((f"first fetch of a new daemon ({results.value('first_fetch_files'):.0f} small files): "
                     "time / daemon CPU a file",
                     f"{first:.2f} s / {results.value('first_fetch_cpu_ms_per_file'):.2f} ms"))
    cpu = results.value("cpu_ms_per_small_file")
    if cpu is not None:
        rows.append(("daemon CPU per small file", f"{cpu:.2f} ms"))
        # For scale: bgfetch's client, and each peer's whole process, per file of the same runs.
        names = {"client": "bgfetch's client", "curl": "curl", "aria2c": "aria2c"}
        others = [(name, results.value(f"cpu_ms_per_small_file_{tool}")) for tool, name in names.items()]
        others = [(name, ms) for name, ms in others if ms is not None]
        if others:
            rows.append(("CPU per small file: " + " / ".join(name for name, _ in others),
                         " / ".join(f"{ms:.2f}" for _, ms in others) + " ms"))
    for case in sorted((c for (c, tool) in results.runs.keys() | results.problems.keys() if c.startswith("scale-")),
                       key=lambda c: int(c.split("-")[1])):
        n = int(case.split("-")[1])
        per_file = results.median(case, "bgfetch")
        cpu = results.value(f"scale_cpu_{n}")
        rows.append((f"scale: one fetch of {n} x 16 KiB, time / daemon CPU a file",
                     "FAILED" if per_file is None else f"{1000 * per_file:.2f} / {1000 * cpu:.2f} ms"))
    value = results.value
    if value("rss_in_flight") is not None:
        n = value("in_flight")
        rows.append((f"daemon RSS idle / {n} transfers in flight",
                     f"{value('rss_idle_start'):.0f} / {value('rss_in_flight'):.0f} MiB"))
        rows.append(("daemon RSS idle after the other cases", f"{value('rss_idle_after'):.0f} MiB"))
        rows.append((f"daemon threads idle / {n} transfers in flight",
                     f"{value('threads_idle_start')} / {value('threads_in_flight')}"))
        if value("rss_fetches") is not None:
            rows.append((f"daemon RSS / threads: 1 fetch of {n} transfers vs {value('fetches_in_flight')} fetches of 1",
                         f"{value('rss_in_flight'):.0f} / {value('threads_in_flight')} vs "
                         f"{value('rss_fetches'):.0f} / {value('threads_fetches')}"))
    elif value("rss_idle_start") is not None:
        rows.append(("daemon RSS idle", f"{value('rss_idle_start'):.0f} MiB"))
    return rows


def human(n):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} B"


# --- rendering -------------------------------------------------------------------------------------

def caption(machine, rounds, quick, results):
    v = machine["versions"]
    peers = ", ".join(v[p] for p in PEER_ORDER if p in v)
    sizes = " (--quick sizes)" if quick else ""
    lines = [f"Medians of {rounds} round(s){sizes} on {machine['cpus']} CPUs ({machine['cpu']}), "
             f"Linux {machine['kernel']}, {machine['fs']}; loopback nginx ({v['nginx']}).",
             f"Tools: {v['bgfetch']} on {v['java']}; {peers}."]
    fetches = results.value("warm_up_fetches")
    if fetches is not None:
        settled = (f"until its JIT took under {100 * JIT_SETTLED:.0f}% of its CPU in {SETTLED_IN_A_ROW} in a row"
                   if results.value("warm_up_settled") else f"the most the bench runs: its JIT never took under "
                   f"{100 * JIT_SETTLED:.0f}% of its CPU in {SETTLED_IN_A_ROW} in a row")
        lines.append(f"The daemon was warmed up by {fetches:.0f} untimed small-files fetches, {settled} "
                     f"({100 * results.value('warm_up_jit_share'):.0f}% in the last).")
    lines.append("Ratios are bgfetch / peer: above 1 means bgfetch took longer. '-': not measured.")
    return lines


def as_text(header, rows, lines):
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([*lines, "", line(header), *(line(r) for r in rows)]) + "\n"


def as_markdown(header, rows, lines, command):
    when = datetime.date.today().isoformat()
    out = [f"Measured by `{command}` on {when}. " + " ".join(lines), "",
           "| " + " | ".join(header) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out) + "\n"
