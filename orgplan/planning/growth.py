"""How the HR team grows with the company: plans at a sequence of sizes and the thresholds between.

The same profile is planned at each headcount (hires a year scale with it when the profile
gives them; everything else left to defaults is worked out again for each size). For every
role the roadmap reports the headcount at which its first seat appears - found exactly, by
bisection between the sizes of the sweep - and where a role gives way to another.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from orgplan.errors import OptionError
from orgplan.knowledge.templates import Templates, load_templates
from orgplan.model.plan import Plan
from orgplan.model.profile import Profile
from orgplan.planning.sweep import Sketch, Step, Sweep

__all__ = [
    "Step",
    "Milestone",
    "Roadmap",
    "roadmap",
    "roadmap_sizes",
    "default_sizes",
    "default_target",
    "roadmap_target",
]


@dataclass(frozen=True)
class Milestone:
    """A change of role at ``employees``.

    ``event`` is 'first' (the role's first seat appears), 'last' (its last seat goes),
    'again' (it comes back after going), or 'today' (it is there at the start). For work
    bought in rather than staffed (``role`` is then ``sourcing:<function>`` or
    ``sourcing:<function>:<country>``, ``title`` the work in words): 'bought' (bought in at
    the start), 'buy' (bought in from this size) or 'bring_in' (brought in house from this size).
    """

    employees: int
    event: str
    role: str
    title: str
    reason: str

    def __str__(self) -> str:
        if self.event == "bought":
            return f"at {self.employees:,} employees (the start): {self.title} bought in - {self.reason}"
        if self.event == "buy":
            return f"at ~{self.employees:,} employees: buy in {self.title} - {self.reason}"
        if self.event == "bring_in":
            return f"at ~{self.employees:,} employees: bring {self.title} in house - {self.reason}"
        if self.event == "today":
            return f"at {self.employees:,} employees (the start): {self.title} - {self.reason}"
        if self.event == "first":
            return f"at ~{self.employees:,} employees: first {self.title} - {self.reason}"
        if self.event == "again":
            return f"at ~{self.employees:,} employees: {self.title} again - {self.reason}"
        return f"at ~{self.employees:,} employees: no more {self.title} seats - {self.reason}"


@dataclass(frozen=True)
class Roadmap:
    """Plans at each size of a sweep, and the milestones between them."""

    profile: Profile
    steps: tuple[Step, ...]
    milestones: tuple[Milestone, ...]
    curve: tuple[Step, ...]  # every size planned, thresholds included: for charts
    templates: Templates = field(compare=False, repr=False)

    @property
    def plans_made(self) -> int:
        return len(self.curve)


def default_target(profile: Profile, years: int = 3) -> int:
    """The headcount after ``years`` of the profile's growth rate.

    >>> from orgplan import profile_from_dict
    >>> default_target(profile_from_dict({"employees": 1000, "growth_rate": 0.2}))
    1728
    """
    return round(profile.employees * (1 + profile.growth_rate) ** years)


def roadmap_target(profile: Profile, years: int = 3) -> int:
    """The size a roadmap plans up to by default: three years of growth, and at least twice today's size.

    A company growing 4% a year reaches only 1,012 from 900 in three years, a span in which
    hardly a seat changes; doubling shows the next size band and the seats it brings.

    >>> from orgplan import profile_from_dict
    >>> roadmap_target(profile_from_dict({"employees": 900, "growth_rate": 0.04}))
    1800
    >>> roadmap_target(profile_from_dict({"employees": 15, "growth_rate": 0.5}))
    51
    """
    return max(default_target(profile, years), 2 * profile.employees)


def default_sizes(start: int, stop: int, steps: int = 12) -> list[int]:
    """``steps`` headcounts from ``start`` to ``stop``, evenly spaced on a log scale, rounded to 2 figures.

    >>> default_sizes(40, 1000, 6)
    [40, 76, 140, 280, 530, 1000]
    """
    if steps < 2 or stop <= start:
        return [start]
    out = [start]
    for i in range(1, steps - 1):
        n = start * (stop / start) ** (i / (steps - 1))
        digits = max(0, int(math.log10(n)) - 1)
        rounded = int(round(n / 10**digits) * 10**digits)
        if out[-1] < rounded < stop:
            out.append(rounded)
    return [*out, stop]


def roadmap_sizes(profile: Profile, to: int | None = None, steps: int = 12) -> list[int]:
    """The sizes a roadmap plans: ``steps`` sizes from today's headcount to ``to``.

    ``to`` defaults to :func:`roadmap_target` (three years of growth, at least twice today's
    size); it must be larger than today's headcount (OptionError otherwise).

    >>> from orgplan import profile_from_dict
    >>> roadmap_sizes(profile_from_dict({"employees": 40}), to=1000, steps=6)
    [40, 76, 140, 280, 530, 1000]
    """
    target = to if to is not None else roadmap_target(profile)
    if target <= profile.employees:
        raise OptionError(
            f"--to {target:,} is not larger than the company's {profile.employees:,} employees; pass a larger --to"
        )
    return default_sizes(profile.employees, target, steps)


def roadmap(
    profile: Profile,
    sizes: Sequence[int] | None = None,
    *,
    templates: Templates | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> Roadmap:
    """Plan ``profile`` at each of ``sizes`` (default: today to :func:`roadmap_target`) and find the thresholds.

    ``steps`` of the result are the sizes that matter: the first and last, each threshold,
    and each size of the sweep where the number of seats changed.

    ``progress`` is called with 1 after each size is planned (for a progress bar). A long
    sweep is planned in ``workers`` processes (None: this machine's cores, up to 4, where the
    process may fork; 1: this process only); the roadmap is the same whatever their number.

    >>> from orgplan import profile_from_dict
    >>> r = roadmap(profile_from_dict({"company": "Acme", "employees": 20}), [20, 60, 400])
    >>> [str(m).split(" - ")[0] for m in r.milestones if m.event == "first"][0]
    'at ~50 employees: first HR Generalist'
    """
    t = templates or load_templates()
    if sizes is None:
        sizes = default_sizes(profile.employees, roadmap_target(profile))
    sizes = sorted({int(n) for n in sizes})
    if not sizes or sizes[0] < 1:
        raise OptionError("sizes should be whole numbers of employees, 1 or more", where="sizes")
    named = max(len(profile.countries), len(profile.business_units))
    if sizes[0] < named:
        raise OptionError(
            f"sizes should be {named:,} employees or more: the profile has {named:,} countries or business units, "
            "each with at least one employee",
            where="sizes",
        )
    with Sweep(profile, t, workers=workers) as sweep:
        return _roadmap(profile, sizes, sweep, progress)


def _roadmap(profile: Profile, sizes: list[int], sweep: Sweep, progress: Callable[[int], None] | None) -> Roadmap:
    """The roadmap of ``profile`` over ``sizes``, each size planned by ``sweep``."""
    t = sweep.templates
    sweep.fill(sizes, progress=progress)
    at = sweep.__getitem__
    plans = [at(n) for n in sizes]
    held = [dict(p.seated) for p in plans]  # each size's roles, looked up at once
    changes = []  # (role key, title, index in sizes): the role comes or goes between sizes[i - 1] and sizes[i]
    for key, role in t.roles.items():
        if not role.is_hr:
            continue
        present = [key in h for h in held]
        changes += [(key, role.title, i) for i in range(1, len(sizes)) if present[i] != present[i - 1]]
    found = sweep.thresholds([(sizes[i - 1], sizes[i], partial(_has, key, plans[i].has(key))) for key, _, i in changes])
    events = []  # (size, event, role key, title)
    for (key, title, i), n in zip(changes, found, strict=True):
        seen = any(key in h for h in held[:i])
        events.append((n, ("again" if seen else "first") if plans[i].has(key) else "last", key, title))
    events += [(sizes[0], "today", key, t.roles[key].title) for key, _ in plans[0].seated]  # there at the start
    sweep.fill({n for n, event, _, _ in events if event != "last"}, words=True)  # the sizes whose reasons are quoted
    milestones = [
        _milestone(sweep.worded.get(n, at(n)), at(n - 1) if event == "last" else None, key, title, event, n, t)
        for n, event, key, title in events
    ]
    milestones += _sourcing_milestones(plans, sizes, sweep)
    # The table: the sweep's ends, every threshold, and each size where the seat count moved.
    rows = {sizes[0], sizes[-1], *(m.employees for m in milestones)}
    rows |= {
        n for i, n in enumerate(sizes[1:], start=1) if plans[i].step.hr_headcount != plans[i - 1].step.hr_headcount
    }
    order = {"today": 0, "bought": 0, "last": 1, "bring_in": 1, "buy": 2, "first": 2, "again": 2}
    roles = list(t.roles)
    milestones.sort(
        key=lambda m: (m.employees, order[m.event], roles.index(m.role) if m.role in roles else len(roles), m.role)
    )
    steps = tuple(at(n).step for n in sorted(rows))  # each planned already: the sweep's sizes and the thresholds
    curve = tuple(sweep.sketches[n].step for n in sorted(sweep.sketches))
    return Roadmap(profile=profile, steps=steps, milestones=tuple(milestones), curve=curve, templates=t)


def _has(role: str, wanted: bool, sketch: Sketch) -> bool:
    """Whether ``sketch`` has (or, with ``wanted`` false, lacks) a seat of ``role``."""
    return sketch.has(role) == wanted


def _sourcing_milestones(plans: list[Sketch], sizes: list[int], sweep: Sweep) -> list[Milestone]:
    """Where work is bought in and where it is brought in house, found exactly between the sizes of the sweep.

    Lines of one provider that change at the same size are said once ("bring payroll, benefits in house").
    """
    t = sweep.templates
    keys = list(dict.fromkeys(key for p in plans for key, _, _ in p.sourced))
    bought = [{key for key, recommended, _ in p.sourced if recommended == "outsourced"} for p in plans]
    changes = []  # (line key, index in sizes): bought in or brought in house between sizes[i - 1] and sizes[i]
    for key in keys:
        state = [key in b for b in bought]
        changes += [(key, i) for i in range(1, len(sizes)) if state[i] != state[i - 1]]
    found: dict[tuple[int, str, str, str], list[str]] = {}  # (size, event, provider, country) -> functions
    for key in keys:
        if plans[0].bought(key):
            function, _, country = key.removeprefix("sourcing:").partition(":")
            found.setdefault((sizes[0], "bought", str(plans[0].provider(key)), country), []).append(function)
    at = sweep.__getitem__
    brackets = [(sizes[i - 1], sizes[i], partial(_bought, key, plans[i].bought(key))) for key, i in changes]
    for (key, i), n in zip(changes, sweep.thresholds(brackets), strict=True):
        function, _, country = key.removeprefix("sourcing:").partition(":")
        buy = plans[i].bought(key)
        provider = (at(n) if buy else at(n - 1)).provider(key)  # the provider bought, before or after
        found.setdefault((n, "buy" if buy else "bring_in", str(provider), country), []).append(function)
    out = []
    for (n, event, provider, country), functions in found.items():
        key = f"sourcing:{functions[0]}" + (f":{country}" if country else "")
        reason = _why(sweep.plan(n), functions[0], provider, country or None)  # the whole plan: its weighing
        words = _functions_in_words(functions, t) + (f" in {country}" if country else "")
        out.append(Milestone(n, event, key, words, reason))
    return out


def _bought(line: str, wanted: bool, sketch: Sketch) -> bool:
    """Whether ``sketch`` buys in (or, with ``wanted`` false, does not buy in) the make-or-buy ``line``."""
    return sketch.bought(line) == wanted


def _why(p: Plan, function: str, provider: str, country: str | None) -> str:
    """Why ``provider`` is bought for ``function`` at this size or not: its weighing, else why it is not weighed."""
    from orgplan.planning.sourcing import offer_reason

    weighing = p.weighing
    offer = next(
        (
            o
            for o in (weighing.offers if weighing is not None else ())
            if o.provider.key == provider and o.country == country and function in o.takes
        ),
        None,
    )
    return (
        offer_reason(function, offer, p.templates, weighing) if offer is not None else _no_longer(provider, p.templates)
    )


def _no_longer(provider: str, t: Templates) -> str:
    """Why a provider bought at smaller sizes is not weighed any more: the threshold its condition names."""
    from orgplan.core.words import with_article
    from orgplan.planning.sourcing import called

    p = t.sourcing.providers[provider]
    names = sorted(p.applies.names) if p.applies is not None else []
    why = next((t.sourcing.thresholds[n].why for n in names if n in t.sourcing.thresholds), "")
    return f"{with_article(called(p.name))} is not weighed at this size" + (f": {why}" if why else ".")


def _functions_in_words(functions: list[str], t: Templates) -> str:
    from orgplan.planning.sourcing import called

    labels = [called(t.function_label(f)) for f in functions]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _milestone(p: Sketch, before: Sketch | None, role: str, title: str, event: str, n: int, t: Templates) -> Milestone:
    """The milestone of ``role`` at ``n``: why its first seat is there (``p`` is worded), or, for
    its last seat, where its work goes (against ``before``, the size before)."""
    if event != "last":
        reason = dict(p.first_reasons)[role]
    else:
        had = dict(before.seated) if before is not None else {}
        arrived = [t.roles[r].title for r, count in p.seated if count > had.get(r, 0)]
        reason = f"the work moves to {', '.join(arrived)}" if arrived else "the rules no longer call for it"
    return Milestone(employees=n, event=event, role=role, title=title, reason=reason)
