#!/usr/bin/env python3
"""Turns the raw runs of scripts/bench into tables, summary lines and results.json.

Usage: report.py WORKDIR RESULTS_JSON

WORKDIR holds the files scripts/bench wrote:
  runs.tsv       scenario family label run ok seconds rss_kib cpu_s daemon_hwm_kib daemon_idle_kib
  scenarios.tsv  scenario bytes files description
  commands.tsv   scenario family command
  meta.tsv       key value

Conventions: the time of a tool is the median wall time of its successful runs; MB/s uses
10^6 bytes; peak RSS is the highest peak over the runs (a peak is a peak). For bgfetch the
footprint is daemon (VmHWM) + client (/usr/bin/time %M): both run during a fetch --wait.
A ratio is bgfetch / peer: above 1 means bgfetch is slower or heavier.
"""
import datetime
import json
import os
import statistics
import sys


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def mib(kib):
    return kib / 1024.0


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt(value, spec="{:.2f}", none="-"):
    return none if value is None else spec.format(value)


def fmt_ratio(value):
    return fmt(value, "{:.2f}x")


def summarise_tool(family, label, command, runs, nbytes):
    ok_runs = [r for r in runs if r["ok"]]
    summary = {
        "tool": label,
        "family": family,
        "command": command,
        "runs": runs,
        "runs_ok": len(ok_runs),
        "runs_total": len(runs),
        "median_seconds": None,
        "mb_per_s": None,
        "peak_rss_mib": None,
        "median_cpu_seconds": None,
    }
    if family == "bgfetch":
        summary.update(daemon_peak_rss_mib=None, client_peak_rss_mib=None, daemon_idle_rss_mib=None)
    if not ok_runs:
        return summary
    median = statistics.median(r["seconds"] for r in ok_runs)
    summary["median_seconds"] = round(median, 3)
    summary["mb_per_s"] = round(nbytes / median / 1e6, 1) if median > 0 else None
    summary["median_cpu_seconds"] = round(statistics.median(r["cpu_seconds"] for r in ok_runs), 2)
    if family == "bgfetch":
        daemon = max(r["daemon_peak_rss_kib"] for r in ok_runs)
        client = max(r["rss_kib"] for r in ok_runs)
        summary["daemon_peak_rss_mib"] = round(mib(daemon), 1)
        summary["client_peak_rss_mib"] = round(mib(client), 1)
        summary["daemon_idle_rss_mib"] = round(mib(max(r["daemon_idle_rss_kib"] for r in ok_runs)), 1)
        summary["peak_rss_mib"] = round(mib(max(r["rss_kib"] + r["daemon_peak_rss_kib"] for r in ok_runs)), 1)
    else:
        summary["peak_rss_mib"] = round(mib(max(r["rss_kib"] for r in ok_runs)), 1)
    return summary


def build(work):
    meta = {k: v for k, v in read_tsv(os.path.join(work, "meta.tsv"))}
    commands = {(s, fam): cmd for s, fam, cmd in read_tsv(os.path.join(work, "commands.tsv"))}
    runs = {}
    order = []
    for row in read_tsv(os.path.join(work, "runs.tsv")):
        scenario, family, label, run, ok, seconds, rss, cpu, hwm, idle = row
        key = (scenario, family, label)
        if key not in runs:
            runs[key] = []
            order.append(key)
        runs[key].append({
            "run": int(run), "ok": ok == "1", "seconds": float(seconds), "rss_kib": int(rss),
            "cpu_seconds": float(cpu), "daemon_peak_rss_kib": int(hwm), "daemon_idle_rss_kib": int(idle),
        })
    scenarios = []
    for name, nbytes, files, description in read_tsv(os.path.join(work, "scenarios.tsv")):
        nbytes = int(nbytes)
        tools = [summarise_tool(fam, label, commands.get((s, fam), ""), runs[(s, fam, label)], nbytes)
                 for (s, fam, label) in order if s == name]
        by_family = {t["family"]: t for t in tools}
        bg = by_family.get("bgfetch")
        ratios = {}
        for peer in ("curl", "aria2c"):
            p = by_family.get(peer)
            if bg is None or p is None:
                continue
            ratios[peer] = {
                "time": round_or_none(ratio(bg["median_seconds"], p["median_seconds"])),
                "memory": round_or_none(ratio(bg["peak_rss_mib"], p["peak_rss_mib"])),
                "memory_daemon_only": round_or_none(ratio(bg.get("daemon_peak_rss_mib"), p["peak_rss_mib"])),
                "cpu": round_or_none(ratio(bg["median_cpu_seconds"], p["median_cpu_seconds"])),
            }
        scenarios.append({"name": name, "description": description, "bytes": nbytes,
                          "files": int(files), "tools": tools, "ratios_bgfetch_over": ratios})
    notes = [
        "Ratios are bgfetch / peer: above 1 means bgfetch is slower (time) or heavier (memory).",
        "Time is the median wall time of the successful runs; MB/s = bytes / median / 10^6.",
        "bgfetch's daemon is started (daemon start) before each timed run in a fresh BGFETCH_HOME, "
        "so its JVM start-up is NOT timed; the client JVM ('fetch --wait') IS timed.",
        "bgfetch memory = daemon peak (VmHWM from /proc, read before 'daemon stop') + client peak "
        "(/usr/bin/time %M); curl and aria2c: /usr/bin/time %M. Peak = highest over the runs.",
        "bgfetch CPU = client user+sys + the daemon's user+sys during the run (from /proc/PID/stat).",
        "bgfetch fsyncs its bodies (its durability contract); curl and aria2c do not. The bench runs "
        "'sync' (untimed) before every run so no tool pays for another's dirty pages.",
        "nginx (sendfile, access_log off) serves random data on 127.0.0.1; client and server share the CPUs.",
    ]
    if meta.get("client_startup_seconds"):
        notes.append("A bgfetch client round trip to an idle daemon ('daemon status') takes about "
                     f"{float(meta['client_startup_seconds']):.2f} s; that is inside every bgfetch time.")
    jar = (meta.get("bgfetch_jar_sha256") or "")[:12]
    rebuilt = " (target/bgfetch.jar was rebuilt meanwhile; the snapshot was not affected)" \
        if meta.get("jar_rebuilt_during_run") == "yes" else ""
    notes.append(f"bgfetch ran from a snapshot of target/bgfetch.jar (sha256 {jar}...) and lib/ taken at "
                 f"the start, through a copy of scripts/bgfetch{rebuilt}.")
    return {
        "generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "config": {
            "big_file_bytes": int(meta.get("big_size", 0)),
            "small_count": int(meta.get("small_count", 0)),
            "small_file_bytes": int(meta.get("small_size", 0)),
            "runs": int(meta.get("runs", 0)),
        },
        "environment": {k: meta.get(k) for k in (
            "nproc", "kernel", "curl_version", "aria2c_version", "nginx_version",
            "bgfetch_version", "bgfetch_jar_sha256", "java_version", "client_startup_seconds",
            "jar_rebuilt_during_run")},
        "notes": notes,
        "scenarios": scenarios,
    }


def round_or_none(value, digits=3):
    return None if value is None else round(value, digits)


def human_bytes(n):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:.4g} {unit}"
    return f"{n} B"


def print_table(scenario):
    headers = ["tool", "runs ok", "median s", "MB/s", "peak RSS MiB", "CPU s",
               "time/curl", "time/aria2c", "mem/curl", "mem/aria2c"]
    rows = []
    ratios = scenario["ratios_bgfetch_over"]
    for t in scenario["tools"]:
        is_bg = t["family"] == "bgfetch"
        rss = fmt(t["peak_rss_mib"], "{:.1f}")
        if is_bg and t["peak_rss_mib"] is not None:
            rss += " (d+c)"
        rows.append([
            t["tool"], f"{t['runs_ok']}/{t['runs_total']}", fmt(t["median_seconds"], "{:.3f}"),
            fmt(t["mb_per_s"], "{:.1f}"), rss, fmt(t["median_cpu_seconds"]),
            fmt_ratio(ratios.get("curl", {}).get("time")) if is_bg else "",
            fmt_ratio(ratios.get("aria2c", {}).get("time")) if is_bg else "",
            fmt_ratio(ratios.get("curl", {}).get("memory")) if is_bg else "",
            fmt_ratio(ratios.get("aria2c", {}).get("memory")) if is_bg else "",
        ])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print(f"== {scenario['name']}: {scenario['description']} "
          f"({human_bytes(scenario['bytes'])} in {scenario['files']} file(s))")
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths))))
    for r in rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    for t in scenario["tools"]:
        if t["family"] == "bgfetch" and t["daemon_peak_rss_mib"] is not None:
            print(f"  {t['tool']} RSS (d+c) = daemon {t['daemon_peak_rss_mib']:.1f} MiB peak "
                  f"(idle after start: {t['daemon_idle_rss_mib']:.1f}) + client {t['client_peak_rss_mib']:.1f} MiB")
    for t in scenario["tools"]:
        print(f"  {t['tool']}: {t['command']}")
    print()


def summary_line(scenario):
    ratios = scenario["ratios_bgfetch_over"]
    time_parts = [f"{ratios[p]['time']:.2f}x {p} time" for p in ("curl", "aria2c")
                  if p in ratios and ratios[p]["time"] is not None]
    mem_parts = [f"{ratios[p]['memory']:.2f}x {p} memory" for p in ("curl", "aria2c")
                 if p in ratios and ratios[p]["memory"] is not None]
    if not time_parts:
        return f"{scenario['name']}: no ratio (a tool had no successful run)"
    line = f"{scenario['name']}: bgfetch " + ", ".join(time_parts)
    if mem_parts:
        line += "; " + ", ".join(mem_parts)
    if "curl" not in ratios:
        line += " (curl has no multi-connection mode)"
    return line


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    work, out = sys.argv[1], sys.argv[2]
    results = build(work)
    cfg, env = results["config"], results["environment"]
    print(f"bgfetch bench: big file {human_bytes(cfg['big_file_bytes'])}, "
          f"{cfg['small_count']} x {human_bytes(cfg['small_file_bytes'])}, {cfg['runs']} run(s) each; "
          f"{env['nproc']} CPU(s), kernel {env['kernel']}")
    print(f"tools: {env['bgfetch_version']} on {env['java_version']}; {env['curl_version']}; "
          f"{env['aria2c_version']}; nginx {env['nginx_version']}")
    print()
    for scenario in results["scenarios"]:
        print_table(scenario)
    print("Summary (bgfetch / peer; above 1 = bgfetch slower or heavier):")
    for scenario in results["scenarios"]:
        print("  " + summary_line(scenario))
    print()
    print("Notes:")
    for note in results["notes"]:
        print("  - " + note)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
