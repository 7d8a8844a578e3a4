"""One profile planned at many sizes, each size kept as the few facts a roadmap reads of it.

A roadmap plans hundreds of sizes; keeping each :class:`~orgplan.model.Plan` would hold every
seat of every size. A :class:`Sketch` keeps what the roadmap reads: the size's totals, its roles
in the order their first seats come, why each role's first seat is there, and each make-or-buy
line. Long sweeps are planned in a few processes forked from this one (on Linux, when nothing
else runs in it), so the templates are not loaded again; what comes back is only the sketches.

>>> from orgplan import profile_from_dict
>>> sweep = Sweep(profile_from_dict({"company": "Acme", "employees": 20}))
>>> sweep.fill([20, 400])
>>> sweep[400].step.hr_headcount > sweep[20].step.hr_headcount
True
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from orgplan.core.forking import may_fork, spread, workers_for
from orgplan.knowledge.templates import Templates, load_templates
from orgplan.model.places import places_for_size
from orgplan.model.plan import Outline, Plan
from orgplan.model.profile import Profile
from orgplan.planning.planner import outline_with, plan
from orgplan.planning.sourcing import Adjustments

__all__ = ["Step", "Sketch", "Sweep", "sketch_of", "scaled"]

Test = Callable[["Sketch"], bool]  # a question of one size's sketch (forked workers inherit it)

# A sweep of fewer sizes than this is planned in this process: forking costs more than it saves.
FORK_FROM = 48


@dataclass(frozen=True)
class Step:
    """The recommended HR team at one company size."""

    employees: int
    hr_headcount: int
    hr_fte: float
    hr_per_100: float
    annual_cost: float
    layers: int
    band: tuple[float, float] | None
    roles: tuple[tuple[str, int], ...]  # (role key, seats), in catalog order
    status: str = "within"  # against the published range: within, above or below
    reasons: tuple[str, ...] = ()  # why, when outside it


@dataclass(frozen=True)
class Sketch:
    """What a roadmap reads of the plan at one size."""

    step: Step
    seated: tuple[tuple[str, int], ...]  # (role key, seats), in the order each role's first seat comes
    first_reasons: tuple[tuple[str, str], ...]  # (role key, why its first seat is there)
    sourced: tuple[tuple[str, str, str | None], ...]  # (line key, recommended, provider) of each make-or-buy line

    def has(self, role: str) -> bool:
        """Whether the plan has a seat of ``role``."""
        return any(key == role for key, _ in self.seated)

    def bought(self, line: str) -> bool:
        """Whether the make-or-buy ``line`` (``sourcing:<function>[:<country>]``) is bought in."""
        return any(key == line and recommended == "outsourced" for key, recommended, _ in self.sourced)

    def provider(self, line: str) -> str | None:
        """The provider the make-or-buy ``line`` names (None when it has none or is not listed)."""
        return next((provider for key, _, provider in self.sourced if key == line), None)


def sourcing_lines(sourcing: tuple[dict[str, Any], ...]) -> dict[str, dict[str, Any]]:
    """Each function's make-or-buy line (by function, or function and country) that names a provider or is bought."""
    return {
        "sourcing:" + e["function"] + (f":{e['country']}" if e["country"] else ""): e
        for e in sourcing
        if e["provider"] is not None or e["recommended"] == "outsourced"
    }


def sketch_of(p: Plan | Outline) -> Sketch:
    """The sketch of plan ``p`` (or of its outline)."""
    t = p.templates
    totals = p.totals()
    band = t.band_for(p.profile.employees)
    if isinstance(p, Plan):
        roles = [x.role for x in p.hr_seats]
        first: dict[str, str] = {}
        for seat in p.hr_seats:
            if seat.role not in first:
                first[seat.role] = seat.rationale[-1].reason if seat.rationale else "in the plan"
        reasons = tuple(first.items())
    else:
        roles, reasons = list(p.roles), p.first_reasons
    counts = Counter(roles)
    judged = totals.get("benchmark_hr_per_100", {})
    step = Step(
        employees=p.profile.employees,
        hr_headcount=totals["hr_headcount"],
        hr_fte=totals["hr_fte"],
        hr_per_100=totals["hr_per_100"],
        annual_cost=totals["annual_cost"],
        layers=totals["layers"],
        band=(band.low, band.high) if band else None,
        roles=tuple((k, counts[k]) for k in t.roles if counts.get(k)),
        status=judged.get("status", "within"),
        reasons=tuple(judged.get("reasons", ())),
    )
    lines = tuple(
        (key, str(e["recommended"]), None if e["provider"] is None else str(e["provider"]))
        for key, e in sourcing_lines(p.sourcing).items()
    )
    return Sketch(step, tuple(counts.items()), reasons, lines)


def scaled(profile: Profile, employees: int, t: Templates) -> Profile:
    """``profile`` at ``employees``: hires a year and named places grow with it; a budget is dropped (it is today's)."""
    changes: dict[str, object] = {"employees": employees, "budget": None}
    if "annual_hires" in profile.given:  # a hiring volume given for today grows with the company
        changes["annual_hires"] = round(float(profile.given["annual_hires"]) * employees / profile.employees, 1)
    changes.update(places_for_size(profile.given, employees))  # named places grow, each keeping its share
    return profile.with_values(templates=t, **changes)


class Sweep:
    """``profile`` planned at the sizes asked for, each size once, kept as a :class:`Sketch`.

    Sketches are made without words (no reasons, no finished titles): :meth:`fill` with
    ``words`` makes the few a roadmap quotes, kept apart in ``worded``. A long sweep is planned
    in ``workers`` processes forked for each :meth:`fill` and :meth:`thresholds` (None: this
    machine's cores, up to 4, when the process may fork; 1: this process only), once the first
    long fill has chosen to. A size a process fails to plan, or does not plan because it was
    stopped (out of memory), is planned here.
    """

    def __init__(self, profile: Profile, templates: Templates | None = None, workers: int | None = None):
        self.profile = profile
        self.templates = templates or load_templates()
        self.workers = workers
        self.sketches: dict[int, Sketch] = {}
        self.worded: dict[int, Sketch] = {}
        self._processes = 1  # how many plan a fill or a bisection: set by the first long fill

    def __enter__(self) -> Sweep:
        return self

    def __exit__(self, *exc: object) -> None:
        pass  # no process outlives a fill or a bisection

    def __getitem__(self, employees: int) -> Sketch:
        if employees not in self.sketches:
            self.fill([employees])
        return self.sketches[employees]

    def plan(self, employees: int) -> Plan:
        """The whole plan at ``employees`` (planned again: sketches keep no seats)."""
        return plan(scaled(self.profile, employees, self.templates), templates=self.templates)

    def fill(self, sizes: Iterable[int], *, words: bool = False, progress: Callable[[int], None] | None = None) -> None:
        """Plan every size of ``sizes`` not planned yet (with ``words``: not worded yet);
        ``progress`` is called with 1 as each is done."""
        kept = self.worded if words else self.sketches
        wanted = sorted({n for n in sizes if n not in kept})
        if not wanted:
            return
        count = self._side_by_side(len(wanted))
        jobs = [(n, words) for n in wanted]
        if count > 1 and len(jobs) > 1:  # the processes take the largest (slowest) sizes first
            jobs.reverse()
            made = ((jobs[i][0], sketch if ok else None) for i, ok, sketch in spread(self._sketch_only, jobs, count))
        else:
            made = (self._sketch(job) for job in jobs)
        failed = []
        for n, sketch in made:
            if sketch is None:
                failed.append(n)
                continue
            kept[n] = sketch
            if progress is not None:
                progress(1)
        for n in sorted(failed):  # planned again here, the smallest first: its error is raised as it is
            kept[n] = self._sketch((n, words))[1]
            if progress is not None:
                progress(1)

    def thresholds(self, brackets: Sequence[tuple[int, int, Test]]) -> list[int]:
        """For each (low, high, reached) the smallest headcount in (low, high] where ``reached`` holds
        of its sketch (it holds at high), found by bisection; each size it plans is kept.

        The brackets of one span are halved in one task (the sizes they plan are shared), the
        spans in the sweep's processes side by side.
        """
        spans: dict[tuple[int, int], list[int]] = {}  # (low, high) -> the brackets of that span
        for i, (low, high, _) in sorted(enumerate(brackets), key=lambda b: -b[1][1]):  # the largest (slowest) first
            spans.setdefault((low, high), []).append(i)
        tasks = [(low, high, [brackets[i][2] for i in idx]) for (low, high), idx in spans.items()]
        done: dict[int, tuple[list[int], dict[int, Sketch]]] = {}
        if self._processes > 1 and len(tasks) > 1:
            done = {i: value for i, ok, value in spread(self._bisect, tasks, self._processes) if ok}
        found = [0] * len(brackets)
        for t, (task, idx) in enumerate(zip(tasks, spans.values(), strict=True)):
            # not bisected side by side (or it failed there): bisected here, where an error is raised as it is
            sizes, made = done[t] if t in done else self._bisect(task)
            self.sketches.update(made)
            for i, n in zip(idx, sizes, strict=True):
                found[i] = n
        return found

    def _sketch(self, job: tuple[int, bool]) -> tuple[int, Sketch]:
        employees, words = job
        profile = scaled(self.profile, employees, self.templates)
        return employees, sketch_of(outline_with(profile, self.templates, Adjustments(), words=words))

    def _sketch_only(self, job: tuple[int, bool]) -> Sketch:
        return self._sketch(job)[1]

    def _bisect(self, task: tuple[int, int, list[Test]]) -> tuple[list[int], dict[int, Sketch]]:
        return _bisect(self, *task)

    def _side_by_side(self, sizes: int) -> int:
        """How many processes plan: chosen by the first long fill when this process may fork, then kept."""
        if self._processes == 1 and may_fork() and (self.workers is not None or sizes >= FORK_FROM):
            self._processes = max(1, workers_for(self.workers))
        return self._processes


def _bisect(sweep: Sweep, low: int, high: int, tests: list[Test]) -> tuple[list[int], dict[int, Sketch]]:
    """The smallest headcount in (low, high] where each test holds, and the sketches planned to find them."""
    made: dict[int, Sketch] = {}
    out = []
    for reached in tests:
        below, above = low, high
        while above - below > 1:
            mid = (below + above) // 2
            if mid not in made:
                made[mid] = sweep.sketches[mid] if mid in sweep.sketches else sweep._sketch((mid, False))[1]
            if reached(made[mid]):
                above = mid
            else:
                below = mid
        out.append(above)
    return out, made
