"""Print orgplan's speed figures: planning, charts, the workbook, and --help.

Run: python3 benchmarks/bench.py
Targets: a 2,000,000-employee plan under 0.5 s after imports; `orgplan --help` well under 1 s;
the default chart PNG of about 2,000 seats under 5 s, and of 2,000,000 employees under 30 s;
workbook export and read-back of about 2,000 seats under 2 s each; a roadmap sweep
of hundreds of sizes in a second or two.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(func, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    start = time.perf_counter()
    from orgplan import load_profile, plan, profile_from_dict
    from orgplan.templates import load_templates

    templates = load_templates()
    print(f"import + load and compile templates: {time.perf_counter() - start:.3f} s")

    print("\nplan each example (median of 5):")
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        profile = load_profile(path, templates=templates)
        seconds, result = timed(lambda: plan(profile, templates=templates))
        print(f"  {path.name:32} {profile.employees:>9,} employees {result.summary['hr_headcount']:>6,} seats  {seconds * 1000:8.1f} ms")

    huge = profile_from_dict({"company": "Huge", "employees": 2_000_000, "countries": 40, "business_units": 12, "unionized_share": 0.2}, templates=templates)
    seconds, result = timed(lambda: plan(huge, templates=templates), repeat=3)
    print(f"\nplan 2,000,000 employees: {result.summary['hr_headcount']:,} seats in {seconds:.3f} s (target < 0.5 s)")

    from orgplan.growth import default_sizes, roadmap

    startup = profile_from_dict({"company": "Sweep", "employees": 40, "growth_rate": 0.3}, templates=templates)
    sizes = default_sizes(40, 50_000, 300)
    seconds, sweep = timed(lambda: roadmap(startup, sizes, templates=templates), repeat=3)
    print(f"roadmap 40 to 50,000 employees, {len(sizes)} sizes: {sweep.plans_made} plans (thresholds bisected) in {seconds:.2f} s (target: a second or two)")

    chart_figures(templates)
    workbook_figures(templates)

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
    from orgplan.chart import render_chart
    from orgplan.chart_layout import layout_chart

    out = Path(tempfile.mkdtemp())
    print("\norg chart, default slide-shaped PNG (median of 3):")
    cases = [(p.stem, plan(load_profile(p, templates=templates), templates=templates)) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    big = plan(profile_from_dict({"company": "Big", "employees": 280_000, "countries": 12}, templates=templates), templates=templates)
    cases.append(("280,000 employees", big))
    for name, p in cases:
        png_s, _ = timed(lambda: render_chart(p, out / "c.png"), repeat=3)
        print(f"  {name:28} {len(p.seats):>6,} seats  PNG {png_s:6.2f} s")
    print(f"  the {len(big.seats):,}-seat default PNG: {png_s:.2f} s (target < 5 s)")
    huge = plan(profile_from_dict({"company": "Huge", "employees": 2_000_000, "countries": 40}, templates=templates), templates=templates)
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
    lines = ["digraph G { node [shape=box width=2 height=0.7 fixedsize=true label=\"\"];"]
    lines += [f'"{s.reports_to}" -> "{s.id}";' for s in big.seats if s.reports_to]
    (out / "g.dot").write_text("\n".join(lines) + "}")
    dot_s, _ = timed(lambda: subprocess.run(["dot", "-Tplain", str(out / "g.dot"), "-o", str(out / "g.txt")], check=True, capture_output=True), repeat=1)
    print(f"  Graphviz dot on the same {len(big.seats):,}-seat tree: {dot_s:.2f} s, orgplan layout {exp_s * 1000:.1f} ms ({dot_s / exp_s:,.0f}x faster)")


def workbook_figures(templates) -> None:
    """Export and read-back of a plan of about 2,000 seats."""
    import tempfile

    from orgplan import plan, profile_from_dict
    from orgplan.excel import export_excel
    from orgplan.team import read_team

    big = plan(profile_from_dict({"company": "Big", "employees": 280_000, "countries": 12}, templates=templates), templates=templates)
    path = Path(tempfile.mkdtemp()) / "plan.xlsx"
    n = len(big.seats)
    export_s, _ = timed(lambda: export_excel(big, path, chart=False), repeat=3)
    print(f"\nworkbook, {n:,} seats (median of 3):")
    print(f"  export without chart sheet: {export_s:.2f} s (target < 2 s), {path.stat().st_size / 1e6:.1f} MB")
    chart_s, _ = timed(lambda: export_excel(big, path), repeat=1)
    print(f"  export with the chart rendered and embedded: {chart_s:.2f} s")
    read_s, team = timed(lambda: read_team(path, templates=templates), repeat=3)
    print(f"  read back: {read_s:.2f} s (target < 2 s), {len(team.seats):,} seats")


if __name__ == "__main__":
    main()
