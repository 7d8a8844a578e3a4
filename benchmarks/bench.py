"""Print orgplan's speed figures: planning the examples and a very large company, and --help.

Run: python3 benchmarks/bench.py
Targets: a 2,000,000-employee plan under 0.5 s after imports; `orgplan --help` well under 1 s.
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

    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "orgplan", "--help"], check=True, capture_output=True)
        runs.append(time.perf_counter() - t0)
    print(f"orgplan --help wall time: {statistics.median(runs):.3f} s (median of 5; target well under 1 s)")


if __name__ == "__main__":
    main()
