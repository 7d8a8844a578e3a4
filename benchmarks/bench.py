"""Print orgplan's speed figures, each next to its target.

Run: python3 benchmarks/bench.py            (add --limits for the figures at orgplan's limits)

Targets:
- start-up: `orgplan plan PROFILE` (text) and `orgplan validate PROFILE` within 2.5x the wall
  time of `python -c "import networkx"`, measured side by side in one run;
- after imports: any profile up to 60,000 employees planned in under 20 ms, 2,000,000
  employees in under 0.2 s, a roadmap over 500 sizes from 50 to 50,000 in under 1 s;
- the default chart PNG of about 2,000 seats under 5 s, and of 2,000,000 employees under 30 s;
- workbook export and read-back of about 2,000 seats under 2 s each; `orgplan --help`
  well under 1 s;
- from `orgplan serve`, a typical plan page under 1 s once the server is warm, and 20
  concurrent requests answered without error;
- `orgplan batch` of 10,000 companies under 60 s on a 2-core machine, planning faster with
  more workers; `orgplan sensitivity` of 1,000 samples under 20 s;
- at the limits (--limits): a profile at every documented maximum plans, draws and exports
  in bounded time and memory; a team file at the row limit imports in seconds, one past
  it is refused at once; hostile input is refused in well under a second.

`python3 benchmarks/bench.py batch` prints the batch and sensitivity figures alone.
`python3 benchmarks/bench.py waits` prints the two waits of issue 25 alone, each in a process of
its own (wall and CPU seconds, peak memory from resource.getrusage): a roadmap over 500 evenly
spaced sizes from 50 to 50,000 (target < 1 s), and the workbook of the plan at every documented
maximum as `orgplan export` writes it, its chart sheet included (target < 30 s and 400 MB),
then its planning and writing apart.
"""

from __future__ import annotations

import contextlib
import json
import resource
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STARTUP_EXAMPLE = ROOT / "examples" / "keystone-manufacturing.yaml"


def timed(func, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "OVER"


def startup_figures(rounds: int = 9) -> None:
    """Wall times of fresh processes, interleaved round by round so a busy machine weighs on all alike."""
    commands = {
        'python -c "import networkx"': [sys.executable, "-c", "import networkx"],
        f"orgplan plan {STARTUP_EXAMPLE.name}": [sys.executable, "-m", "orgplan", "plan", str(STARTUP_EXAMPLE)],
        f"orgplan validate {STARTUP_EXAMPLE.name}": [sys.executable, "-m", "orgplan", "validate", str(STARTUP_EXAMPLE)],
    }
    runs: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, argv in commands.items():
            used = _children_cpu()
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            runs[name].append(time.perf_counter() - start)
            cpu[name].append(_children_cpu() - used)
    medians = {name: statistics.median(times) for name, times in runs.items()}
    base = medians['python -c "import networkx"']
    print(f"start-up, wall time of a fresh process (median of {rounds}, interleaved; CPU time beside it):")
    for name, seconds in medians.items():
        ratio = seconds / base
        target = (
            "" if name.startswith("python") else f"  {ratio:4.2f}x networkx (target <= 2.5x: {verdict(ratio, 2.5)})"
        )
        print(f"  {name:46} {seconds:6.3f} s (CPU {statistics.median(cpu[name]):.3f} s){target}")


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def planning_figures(templates) -> None:
    from orgplan import load_profile, plan, profile_from_dict

    print("\nplan after imports (median of 5; target < 20 ms up to 60,000 employees):")
    cases = [(p.name, load_profile(p, templates=templates)) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    wide = {
        "company": "Wide",
        "employees": 60_000,
        "countries": 30,
        "sites": 400,
        "business_units": 20,
        "unionized_share": 0.3,
        "industry": "healthcare",
    }
    cases.append(("60,000 employees, 30 countries", profile_from_dict(wide, templates=templates)))
    for name, profile in cases:
        seconds, result = timed(lambda profile=profile: plan(profile, templates=templates))
        print(
            f"  {name:32} {profile.employees:>9,} employees {result.summary['hr_headcount']:>6,} seats  "
            f"{seconds * 1000:7.1f} ms  {verdict(seconds, 0.020)}"
        )

    huge = profile_from_dict(
        {"company": "Huge", "employees": 2_000_000, "countries": 40, "business_units": 12, "unionized_share": 0.2},
        templates=templates,
    )
    seconds, result = timed(lambda: plan(huge, templates=templates), repeat=3)
    print(
        f"plan 2,000,000 employees: {result.summary['hr_headcount']:,} seats in {seconds:.3f} s (median of "
        f"3; target < 0.2 s: {verdict(seconds, 0.2)})"
    )
    shares = [400_000, 300_000, 250_000, 200_000] + [50_000] * 16 + [10_000] * 4  # 24 named countries
    named = profile_from_dict(
        {
            "company": "Named",
            "employees": 2_000_000,
            "countries": [
                {
                    "name": f"Country {i + 1}",
                    "employees": n,
                    "pay_index": 0.5 + (i % 5) / 5,
                    "region": f"Region {i % 4 + 1}",
                }
                for i, n in enumerate(shares)
            ],
            "business_units": [
                {"name": f"Unit {i + 1}", "employees": n}
                for i, n in enumerate([600_000, 500_000, 400_000, 250_000, 150_000, 100_000])
            ],
        },
        templates=templates,
    )
    seconds, result = timed(lambda: plan(named, templates=templates), repeat=3)
    print(
        f"plan 2,000,000 employees in 24 named countries and 6 units: {result.summary['hr_headcount']:,} "
        f"seats in {seconds:.3f} s (median of 3; target < 0.5 s: {verdict(seconds, 0.5)})"
    )

    from orgplan.planning.growth import default_sizes, roadmap

    startup = profile_from_dict({"company": "Sweep", "employees": 50, "growth_rate": 0.3}, templates=templates)
    sizes = default_sizes(50, 50_000, 500)
    seconds, sweep = timed(lambda: roadmap(startup, sizes, templates=templates), repeat=3)
    print(
        f"roadmap 50 to 50,000 employees, default_sizes(50, 50000, 500) = {len(sizes)} distinct sizes, "
        f"{sweep.plans_made} plans with thresholds bisected: {seconds:.2f} s (median of 3; target < 1 s: "
        f"{verdict(seconds, 1.0)})"
    )


def main() -> None:
    if sys.argv[1:] == ["batch"]:
        batch_figures()
        return
    if sys.argv[1:] == ["waits"]:
        wait_figures()
        return
    startup_figures()

    start = time.perf_counter()
    from orgplan.knowledge.templates import load_templates

    templates = load_templates()
    print(f"\nimport + load and compile templates, in this process: {time.perf_counter() - start:.3f} s")

    planning_figures(templates)
    chart_figures(templates)
    workbook_figures(templates)
    web_figures()
    batch_figures()

    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "orgplan", "--help"], check=True, capture_output=True)
        runs.append(time.perf_counter() - t0)
    print(f"orgplan --help wall time: {statistics.median(runs):.3f} s (median of 5; target well under 1 s)")


def chart_figures(templates) -> None:
    """Layout and render times; layout against Graphviz dot on the same tree when it is installed."""
    import shutil
    import tempfile

    from orgplan import load_profile, plan, profile_from_dict
    from orgplan.outputs.charts.layout import layout_chart
    from orgplan.outputs.charts.org_chart import render_chart

    out = Path(tempfile.mkdtemp())
    print("\norg chart, default slide-shaped PNG (median of 3):")
    cases = [
        (p.stem, plan(load_profile(p, templates=templates), templates=templates))
        for p in sorted((ROOT / "examples").glob("*.yaml"))
    ]
    big = plan(
        profile_from_dict({"company": "Big", "employees": 280_000, "countries": 12}, templates=templates),
        templates=templates,
    )
    cases.append(("280,000 employees", big))
    for name, p in cases:
        png_s, _ = timed(partial(render_chart, p, out / "c.png"), repeat=3)
        print(f"  {name:28} {len(p.seats):>6,} seats  PNG {png_s:6.2f} s")
    print(f"  the {len(big.seats):,}-seat default PNG: {png_s:.2f} s (target < 5 s)")
    huge = plan(
        profile_from_dict({"company": "Huge", "employees": 2_000_000, "countries": 40}, templates=templates),
        templates=templates,
    )
    huge_s, _ = timed(lambda: render_chart(huge, out / "huge.png"), repeat=1)
    print(f"  2,000,000 employees ({len(huge.seats):,} seats), overview PNG: {huge_s:.2f} s (target < 30 s)")
    pdf_s, _ = timed(lambda: render_chart(big, out / "c.pdf"), repeat=1)
    print(f"  every seat of {len(big.seats):,} on Letter pages, PDF: {pdf_s:.2f} s")
    exp_s, lay = timed(lambda: layout_chart(big, expand=True), repeat=3)
    svg_s, _ = timed(lambda: render_chart(big, out / "c.svg", expand=True, fit=False), repeat=1)
    print(f"  every seat drawn ({len(lay.boxes):,} boxes): layout {exp_s * 1000:.1f} ms, SVG {svg_s:.2f} s")
    if shutil.which("dot") is None:
        print("  Graphviz dot: not installed, comparison skipped")
        return
    lines = ['digraph G { node [shape=box width=2 height=0.7 fixedsize=true label=""];']
    lines += [f'"{s.reports_to}" -> "{s.id}";' for s in big.seats if s.reports_to]
    (out / "g.dot").write_text("\n".join(lines) + "}")
    dot_s, _ = timed(
        lambda: subprocess.run(
            ["dot", "-Tplain", str(out / "g.dot"), "-o", str(out / "g.txt")], check=True, capture_output=True
        ),
        repeat=1,
    )
    print(
        f"  Graphviz dot on the same {len(big.seats):,}-seat tree: {dot_s:.2f} s, orgplan layout "
        f"{exp_s * 1000:.1f} ms ({dot_s / exp_s:,.0f}x faster)"
    )


def workbook_figures(templates) -> None:
    """Export and read-back of a plan of about 2,000 seats."""
    import tempfile

    from orgplan import plan, profile_from_dict
    from orgplan.outputs.workbook.staffing import export_excel
    from orgplan.reading.team import read_team

    big = plan(
        profile_from_dict({"company": "Big", "employees": 280_000, "countries": 12}, templates=templates),
        templates=templates,
    )
    path = Path(tempfile.mkdtemp()) / "plan.xlsx"
    n = len(big.seats)
    export_s, _ = timed(lambda: export_excel(big, path, chart=False), repeat=3)
    print(f"\nworkbook, {n:,} seats (median of 3):")
    print(f"  export without chart sheet: {export_s:.2f} s (target < 2 s), {path.stat().st_size / 1e6:.1f} MB")
    chart_s, _ = timed(lambda: export_excel(big, path), repeat=1)
    print(f"  export with the chart rendered and embedded: {chart_s:.2f} s")
    read_s, team = timed(lambda: read_team(path, templates=templates), repeat=3)
    print(f"  read back: {read_s:.2f} s (target < 2 s), {len(team.seats):,} seats")


def web_figures() -> None:
    """`orgplan serve` on 127.0.0.1: a typical plan page once warm, and 20 requests at once."""
    import re
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def get(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=120) as response:
                response.read()
                return response.status
        except OSError as exc:  # an HTTP error status, a refused or dropped connection
            return getattr(exc, "code", 0)

    proc = subprocess.Popen(
        [sys.executable, "-m", "orgplan", "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        started = time.perf_counter()
        line = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"http://\S+", line)
        if not found:
            print(f"\norgplan serve did not start: {line!r}")
            return
        base = found.group(0)
        typical = (
            base + "plan?company=Keystone&employees=900&sites=3&business_units=2&unionized_share=0.55&hr_reports_to=COO"
        )
        get(base)
        print(f"\norgplan serve (127.0.0.1):\n  start to first page: {time.perf_counter() - started:.2f} s")
        get(base + "plan?employees=300")  # warm the planner and the chart library
        runs = []
        for i in range(10):  # a new company each time, so no cached chart is reused
            t0 = time.perf_counter()
            get(f"{typical}&industry=bench{i}")
            runs.append(time.perf_counter() - t0)
        print(
            "  typical plan page (900 employees, chart inline), warm: "
            f"{statistics.median(runs) * 1000:.0f} ms median of 10 (target < 1 s)"
        )
        urls = [f"{typical}&company=C{i}&employees={300 + 100 * i}" for i in range(20)]
        t0 = time.perf_counter()
        with ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(get, urls))
        ok = sum(1 for s in statuses if s == 200)
        print(
            f"  20 concurrent plan pages: {ok}/20 answered 200 in {time.perf_counter() - t0:.2f} s "
            "(target: all 20, no error)"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def companies_csv(path: Path, count: int, seed: int = 1) -> Path:
    """A companies file of ``count`` companies of every size, the same for the same seed."""
    import random

    rng = random.Random(seed)
    lines = ["company,employees,growth_rate,turnover_rate,countries,unionized_share,industry"]
    industries = ["software", "retail", "healthcare", "manufacturing", "general"]
    for i in range(count):
        employees = int(10 ** rng.uniform(1, 4.7))
        countries = rng.choice([1, 1, 1, 2, 3, 6]) if employees > 200 else 1
        lines.append(
            f"Company {i + 1},{employees},{rng.uniform(-0.05, 0.3):.3f},{rng.uniform(0.05, 0.4):.3f},{countries},"
            f"{rng.choice([0, 0, 0.2, 0.5])},{rng.choice(industries)}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def batch_figures() -> None:
    """A portfolio end to end from the command line, the engine with more workers, and a sensitivity run."""
    import os
    import tempfile

    from orgplan.portfolio.batch import open_executor, plan_many
    from orgplan.reading.companies import read_companies

    out = Path(tempfile.mkdtemp())
    cores = os.cpu_count() or 1
    print(
        f"\nportfolio and sensitivity ({cores} cores, load average {os.getloadavg()[0]:.1f} when starting; "
        "other work on the machine slows every figure):"
    )
    big = companies_csv(out / "companies.csv", 10_000)
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "orgplan", "batch", str(big), "--out", str(out / "portfolio")],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - t0
    print(
        f"  orgplan batch, 10,000 companies, {cores} workers (read, plan, portfolio.xlsx and .json): "
        f"{seconds:.1f} s (target < 60 s: {verdict(seconds, 60)})"
    )

    profiles = read_companies(companies_csv(out / "small.csv", 2_000)).profiles
    serial = None
    print("  plan_many, 2,000 companies (after imports; median of 3):")
    for label, workers, dask, size in (
        ("in this process", 1, None, None),
        ("2 worker processes", 2, None, None),
        ("2 worker processes, one task per company", 2, None, 1),
        ("Dask, a local cluster of 2", 2, "local", None),
    ):
        try:
            with open_executor(workers, dask) as executor:
                plan_many(profiles[:50], executor)  # start the workers
                seconds, _ = timed(
                    lambda executor=executor, size=size: plan_many(profiles, executor, batch_size=size), repeat=3
                )
        except Exception as exc:  # noqa: BLE001 - Dask is an optional extra
            print(f"    {label:42} skipped: {exc}")
            continue
        serial = serial or seconds
        print(f"    {label:42} {seconds:6.2f} s  {len(profiles) / seconds:7,.0f} companies/s  x{serial / seconds:.2f}")

    profile = ROOT / "examples" / "keystone-manufacturing.yaml"
    t0 = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "orgplan",
            "sensitivity",
            str(profile),
            "--vary",
            "growth_rate=0:0.3",
            "--vary",
            "turnover_rate=0.05:0.4",
            "--vary",
            "employees=600:1400",
            "--samples",
            "1000",
            "--out",
            str(out / "sensitivity"),
        ],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - t0
    print(
        f"  orgplan sensitivity, 1,000 samples (plans, sensitivity.xlsx and .png): {seconds:.1f} s (target "
        f"< 20 s: {verdict(seconds, 20)})"
    )


def wait_figures() -> None:
    """Where users wait: a long roadmap and the largest workbook, each in a fresh process."""
    from orgplan.knowledge.templates import load_templates

    print("where users wait (each in a process of its own; wall and CPU time, peak memory of the process):")
    print(f"  roadmap, 500 evenly spaced sizes from 50 to 50,000: {_step(['--roadmap'])}")
    values = maximum_profile(load_templates())
    print(f"  workbook at every documented maximum, `orgplan export` as a user runs it: {_export_command(values)}")
    print(f"    its parts, without the chart: {_step(['--step', 'export', json.dumps(values)])}")


def _export_command(values: dict[str, object]) -> str:
    """``orgplan export PROFILE -o plan.xlsx`` (the chart sheet included) in a fresh process: wall and
    CPU seconds (its forked workers' included) and the peak memory of its largest process."""
    import tempfile

    import yaml

    folder = Path(tempfile.mkdtemp())
    profile = folder / "maximum.yaml"
    profile.write_text(yaml.safe_dump(values))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    command = [sys.executable, "-m", "orgplan", "export", str(profile), "-o", str(folder / "plan.xlsx")]
    subprocess.run(command, check=True, capture_output=True, timeout=STEP_SECONDS)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak = after.ru_maxrss / 1024
    return (
        f"{took:.1f} s (CPU {cpu:.1f} s; target < 30 s: {verdict(took, 30.0)}); "
        f"peak memory {peak:,.0f} MB (target < 400 MB: {verdict(peak, 400.0)})"
    )


def _run_roadmap() -> None:
    """A roadmap over 500 evenly spaced sizes from 50 to 50,000 (a startup growing 30% a year), in this process."""
    from orgplan import profile_from_dict
    from orgplan.knowledge.templates import load_templates
    from orgplan.planning.growth import roadmap

    templates = load_templates()
    startup = profile_from_dict({"company": "Sweep", "employees": 50, "growth_rate": 0.3}, templates=templates)
    sizes = [round(50 + i * (50_000 - 50) / 499) for i in range(500)]

    def children() -> float:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime

    for workers in (None, 1):  # the default (one process per core, up to 4) and this process alone
        runs, cpu = [], []
        for _ in range(3):
            start, used, forked = time.perf_counter(), time.process_time(), children()
            sweep = roadmap(startup, sizes, templates=templates, workers=workers)
            runs.append(time.perf_counter() - start)
            cpu.append(time.process_time() - used + children() - forked)
        seconds = statistics.median(runs)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        how = "default workers" if workers is None else "workers=1"
        print(
            f"{how}, {sweep.plans_made} plans: {seconds:.2f} s (CPU {statistics.median(cpu):.2f} s with the workers'; "
            f"median of 3; target < 1 s: {verdict(seconds, 1.0)}); peak memory {peak:,.0f} MB"
        )


# Each step at the limits runs in a process of its own, stopped past these.
STEP_SECONDS = 600
STEP_MEMORY = 8 << 30


def maximum_profile(templates) -> dict[str, object]:
    """Every profile field at its documented maximum (max_span at its minimum: the narrowest
    spans make the most seats)."""
    fields = templates.profile_fields
    values: dict[str, object] = {"company": "At every maximum"}
    for key, spec in fields.items():
        if key == "max_span":
            values[key] = spec["min"]
        elif "max" in spec and spec.get("type") in ("integer", "number"):
            values[key] = (
                f"{spec['max'] * 100:g}%" if spec.get("format") == "percent" and spec["max"] > 1 else spec["max"]
            )
    return values


def limit_figures() -> None:
    """Planning, drawing and exporting at the documented maximums, team files at the row limit, hostile input."""
    from orgplan.knowledge.templates import load_templates

    templates = load_templates()
    values = maximum_profile(templates)
    print("\nat every documented maximum: " + ", ".join(f"{k}={v}" for k, v in values.items() if k != "company"))
    for step in ("plan", "chart", "export"):
        print(f"  {step:7} {_step(['--step', step, json.dumps(values)])}")
    team_figures()
    hostile_figures()


def _step(args: list[str]) -> str:
    """Run this script on one step in a child process with a time and memory limit; its one-line report."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (STEP_MEMORY, STEP_MEMORY))

    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, *args],
            capture_output=True,
            text=True,
            timeout=STEP_SECONDS,
            preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        return f"did not finish in {STEP_SECONDS} s"
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"failed after {time.perf_counter() - start:.1f} s (memory limit {STEP_MEMORY >> 30} GB): {tail}"
    return done.stdout.strip()


def _run_step(step: str, values: dict[str, object]) -> None:
    """One step at the maximums, in this process: plan, then draw (PNG, or PDF when too large) or export."""
    import tempfile

    from orgplan import plan, profile_from_dict
    from orgplan.knowledge.templates import load_templates

    templates = load_templates()
    start = time.perf_counter()
    p = plan(profile_from_dict(values, templates=templates), templates=templates)
    planned = time.perf_counter() - start
    folder = Path(tempfile.mkdtemp())
    start, cpu = time.perf_counter(), time.process_time()
    made = ""
    if step == "chart":
        from orgplan.errors import OptionError
        from orgplan.outputs.charts.org_chart import render_chart

        try:
            made = render_chart(p, folder / "chart.png").name
        except OptionError:
            made = render_chart(p, folder / "chart.pdf").name
    elif step == "export":
        from orgplan.outputs.workbook.staffing import export_excel

        made = export_excel(p, folder / "plan.xlsx", chart=False).name
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = f", {(folder / made).stat().st_size / 1e6:.1f} MB {made}" if made else ""
    work = f"; {step} {took:.1f} s (CPU {cpu:.1f} s)" if made else ""
    print(f"{len(p.seats):,} seats: plan {planned:.1f} s{work}{size}; peak memory {peak:,.0f} MB")


def team_figures() -> None:
    """Import time and memory of a team at the row limit, and the refusal of one twice as long."""
    import csv
    import tempfile

    from orgplan.core.limits import limit

    rows = int(limit("team_files.rows").value)
    folder = Path(tempfile.mkdtemp())
    print(f"\nteam files (a header and one row per seat; limit {rows:,} rows):")
    for seats in (rows - 1, 2 * rows):
        path = folder / f"team{seats}.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["ID", "Title", "Reports to", "FTE", "Base salary"])
            writer.writerow(["ceo", "Chief Executive Officer", "", 1, ""])
            writer.writerows(
                [
                    f"s{i}",
                    "HR Generalist" if i % 3 else "HR Manager",
                    "ceo" if i < 10 else f"s{i // 10}",
                    1,
                    70000 + i % 1000,
                ]
                for i in range(1, seats)
            )
        book = folder / f"team{seats}.xlsx"
        _write_book(path, book)
        for team in (path, book):
            print(f"  {team.suffix[1:]:4} {seats:>9,} seats: {_step(['--import', str(team)])}")


def _write_book(source: Path, target: Path) -> None:
    import csv

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Team")
    with source.open(newline="") as handle:
        for row in csv.reader(handle):
            ws.append([float(c) if c.replace(".", "").isdigit() else (c or None) for c in row])
    wb.save(target)


def _run_import(path: str) -> None:
    from orgplan.errors import TeamFileError
    from orgplan.reading.team import read_team

    start = time.perf_counter()
    try:
        result = f"{len(read_team(path).seats):,} seats read"
    except TeamFileError as exc:
        result = f"refused ({exc.message[:60]})"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{result} in {time.perf_counter() - start:.2f} s, peak memory {peak:,.0f} MB")


def hostile_figures() -> None:
    """How fast the worst inputs of the reliability suite are refused."""
    import tempfile

    from orgplan.errors import OrgplanError
    from orgplan.model.profile import load_profile

    folder = Path(tempfile.mkdtemp())
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    bomb += [f"{chr(97 + i)}: &{chr(97 + i)} [{','.join(['*' + chr(96 + i)] * 9)}]" for i in range(1, 9)]
    cases = {
        "a 400-byte YAML alias bomb": "\n".join(bomb) + "\ncompany: *i\nemployees: 10\n",
        "a 1 MB profile of 100,000 list items": "employees: 10\nfunctions: [" + ",".join(["payroll"] * 110_000) + "]\n",
        "50,000 nested brackets": "employees: " + "[" * 50_000 + "]" * 50_000 + "\n",
    }
    print("\nhostile input refused:")
    for name, text in cases.items():
        path = folder / "p.yaml"
        path.write_text(text[:1_000_000])
        start = time.perf_counter()
        with contextlib.suppress(OrgplanError):
            load_profile(path)
        print(f"  {name:40} {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--step"]:
        _run_step(sys.argv[2], json.loads(sys.argv[3]))
    elif sys.argv[1:2] == ["--roadmap"]:
        _run_roadmap()
    elif sys.argv[1:2] == ["--import"]:
        _run_import(sys.argv[2])
    elif sys.argv[1:2] == ["--limits"]:
        limit_figures()
    else:
        main()
