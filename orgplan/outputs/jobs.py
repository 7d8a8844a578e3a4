"""From plan to hiring: a job posting and a hiring-manager brief for every job (title) of a plan.

A *job* is the seats that share a title (:func:`orgplan.model.duties.jobs`). Its posting
is what a leader puts on a job board: the company and the role, the reporting line by
title, what the person does in this company's HR team (from the same workload ledger as
the workbook's "Who does what" sheet: a leader oversees what its team does), skills and
qualifications, the location, the pay range per country with its source, the next career
steps and an equal-opportunity statement. Planning notes stay out of it: the level, the
number of seats, why the plan has them and how their pay was worked out go into the
brief for the hiring manager.

:func:`job_descriptions` gives both as data, each as :class:`Part` sections that every
output renders alike: Markdown (:func:`markdown`, :func:`brief_markdown`), a Word
document (:func:`docx_bytes`), the workbook's Job descriptions sheet and the web page.
:func:`write_jobs` writes them into a folder: ``<title>.md`` and ``<title>.docx`` per
job, ``briefs/<title>.md`` and an index.

>>> from orgplan import plan, profile_from_dict
>>> jds = job_descriptions(plan(profile_from_dict({"company": "Acme", "employees": 400})))
>>> jd = next(j for j in jds if j.role == "recruiter")
>>> jd.title, jd.file, jd.reports_to
('Recruiter', 'recruiter', ('HR Manager',))
"""

from __future__ import annotations

import io
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from orgplan.core.files import atomic_folder, output_time, stable_zip
from orgplan.core.words import count_of, money, number
from orgplan.errors import OptionError
from orgplan.model.duties import MARKS, Job, base_title, jobs
from orgplan.model.plan import Plan, Position

if TYPE_CHECKING:
    from orgplan.knowledge.catalog import Qualifications, Role

__all__ = [
    "Part",
    "PayRange",
    "JobDescription",
    "job_descriptions",
    "about",
    "markdown",
    "brief_markdown",
    "docx_bytes",
    "job_files",
    "write_jobs",
    "slug",
    "FORMATS",
    "BRIEFS",
]

FORMATS = ("md", "docx")
BRIEFS = "briefs"  # the folder of hiring-manager briefs inside jobs/
MAX_REASONS = 8  # reasons listed under "Why the plan has this role"; more are counted


@dataclass(frozen=True)
class Part:
    """A section of a job description: a heading, then paragraphs, bullet points and a source note, in that order."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    note: str | None = None
    labelled: bool = False  # each bullet starts with a label ("Education: ..."), shown in bold

    def split(self, bullet: str) -> tuple[str, str]:
        """A bullet as (label, rest): the label with its colon, or '' when the part's bullets have none."""
        if not self.labelled or ": " not in bullet:
            return "", bullet
        label, rest = bullet.split(": ", 1)
        return label + ":", rest


@dataclass(frozen=True)
class PayRange:
    """Pay in one place (a country or the headquarters; None when the job is in one place only), lowest to highest."""

    place: str | None
    low: float
    high: float
    seats: int

    @property
    def text(self) -> str:
        """``'$59,500 to $86,300 a year'``, or one figure when the range has one."""
        amount = money(self.low) if self.low == self.high else f"{money(self.low)} to {money(self.high)}"
        return f"{amount} a year"


@dataclass(frozen=True)
class JobDescription:
    """The posting and the hiring-manager brief of one job of a plan: its facts as data, its text as parts."""

    role: str
    title: str
    file: str  # the file name without its extension, from the title: 'hr-coordinator'
    company: str
    family: str
    levels: tuple[int, ...]
    seats: int
    fte: float
    titles: tuple[tuple[str, int], ...]  # the seats' own titles, with how many seats have each
    grown: tuple[str, ...]  # for seats that grew with their teams: "Leads 60 seats: the ... role at director level."
    about: str
    summary: str
    reports_to: tuple[str, ...]  # the managers' titles
    direct_reports: tuple[tuple[str, int], ...]  # titles of the seats reporting to the job's seats, with counts
    dotted_to: tuple[str, ...]  # titles the seats also answer to on a dotted line
    duties: tuple[tuple[str, str, str], ...]  # (HR function label, its mark from the ledger, what it means here)
    leads: tuple[tuple[str, tuple[str, ...]], ...]  # (a direct report's title, the functions its team does)
    responsibilities: tuple[str, ...]
    skills: tuple[str, ...]
    qualifications: tuple[tuple[int, Qualifications], ...]  # by level of the job's seats
    next_steps: tuple[str, ...]
    locations: tuple[str, ...]  # where the seats work: countries, or the headquarters
    units: tuple[str, ...]  # the business units the seats serve
    pay: tuple[PayRange, ...]  # the posted ranges, per place
    pay_basis: str  # 'salary' or 'fee'
    pay_note: str  # where the posted range comes from, in a candidate's words
    planned_pay: tuple[PayRange, ...]  # the seats' planned base pay, per place
    pay_source: tuple[str, ...]  # how the planned pay was worked out
    places: tuple[tuple[str, int], ...]  # business units and countries the seats serve, with counts
    why: tuple[str, ...]
    equal_opportunity: str

    @property
    def seats_text(self) -> str:
        """``'3 seats, 2.5 FTE'``."""
        return f"{count_of(self.seats, 'seat')}, {number(round(self.fte, 2))} FTE"

    @property
    def part_time(self) -> bool:
        return round(self.fte, 2) < self.seats

    @property
    def headline(self) -> str:
        """The line under the posting's title: company, location, hours."""
        hours = "Part time" if self.part_time else "Full time"
        return f"{self.company} · {_listed(list(self.locations), 4, 'or')} · {hours}"

    @property
    def brief_headline(self) -> str:
        """The line under the brief's title: company, family, level, seats."""
        levels = " and ".join(f"level {lv} ({q.stage})" if q.stage else f"level {lv}" for lv, q in self.qualifications)
        return f"{self.company} · {self.family} · {levels} · {self.seats_text}"

    @property
    def pay_lines(self) -> tuple[str, ...]:
        """The posted pay range, one line per place: places paid alike share a line."""
        label = "Fee" if self.pay_basis == "fee" else "Base salary"
        share = f"{self.fte / self.seats:.0%}"
        hours = (f"Hours: part time, about {share} of full time; the range is the full-time rate, paid in proportion.",)
        return _pay_lines(self.pay, label, seats=False) + (hours if self.part_time else ())

    @property
    def parts(self) -> tuple[Part, ...]:
        """The posting's sections, in order: what a candidate reads."""
        line = [f"Reports to: {_listed(list(self.reports_to), 8, 'or')}"]
        if self.direct_reports:
            line.append("Leads: " + _listed([_plural(t, n) for t, n in self.direct_reports]))
        if self.dotted_to:
            line.append("Dotted line to: " + "; ".join(self.dotted_to))
        duties = [f"{label}: {text}" for label, mark, text in self.duties if mark != MARKS[3]]
        for title, functions in self.leads:
            joined = "; ".join(functions) if any("," in f for f in functions) else _listed(list(functions), 20)
            duties.append(f"Lead the {title}: {_sentence(joined)}.")
        q = dict(self.qualifications)[self.levels[0]]
        where = [f"Location: {_listed(list(self.locations), 8, 'or')}"]
        if self.units:
            where.append(f"Business unit{'s' if len(self.units) > 1 else ''}: {_listed(list(self.units), 8, 'or')}")
        return (
            Part(f"About {self.company}", (self.about,)),
            Part("About the role", (self.summary,)),
            Part("Reporting line", bullets=tuple(line), labelled=True),
            Part("What you will do", bullets=self.responsibilities or (self.summary,)),
            Part(
                f"Your HR areas at {self.company}",
                bullets=tuple(duties) or ("Lead the team day to day.",),
                labelled=bool(duties),
            ),
            Part("What you bring", bullets=tuple(_sentence(s) for s in self.skills)),
            Part(
                "Qualifications",
                bullets=(
                    f"Education: {q.education}",
                    f"Experience: {q.experience}",
                    f"Certifications: {q.certifications}",
                ),
                labelled=True,
            ),
            Part("Location", bullets=tuple(where), labelled=True),
            Part("Pay", bullets=self.pay_lines, note=self.pay_note, labelled=True),
            Part("Where the role can lead", bullets=self.next_steps),
            Part("Equal opportunity", (self.equal_opportunity,)),
        )

    @property
    def brief_parts(self) -> tuple[Part, ...]:
        """The hiring-manager brief's sections: the planning notes the posting leaves out."""
        seats = [f"{self.seats_text} in the plan."]
        if len(self.titles) > 1 or self.titles[0][0] != self.title:
            seats.append("Seats: " + _listed([f"{t} ({n})" for t, n in self.titles]) + ".")
        if self.places:
            seats.append("Serving: " + _listed([f"{p} ({n})" for p, n in self.places]) + ".")
        across = " (across the seats)" if self.seats > 1 else ""
        team = "; ".join(f"{t} ({n})" for t, n in self.direct_reports) or "none"
        why = self.why[:MAX_REASONS] + (
            (f"And {len(self.why) - MAX_REASONS} more reasons of the same kind, one per seat (see the staffing plan).",)
            if len(self.why) > MAX_REASONS
            else ()
        )
        sources = dict.fromkeys(
            q.source if q.source.startswith("Source") else f"Source: {q.source}" for _, q in self.qualifications
        )
        label = "Planned fee" if self.pay_basis == "fee" else "Planned base salary"
        return (
            Part("Seats and level", (*seats, *self.grown)),
            Part("Team", bullets=(f"Direct reports{across}: {team}",), labelled=True),
            Part(
                "Who does what",
                bullets=tuple(f"{label}: {mark}" for label, mark, _ in self.duties) or ("Leads the team below it.",),
                note="As on the staffing plan's Who does what sheet: both come from the plan's workload ledger.",
                labelled=bool(self.duties),
            ),
            Part(
                "Pay in the plan",
                bullets=(
                    *_pay_lines(self.planned_pay, label, seats=True),
                    *_pay_lines(self.pay, "Posted range", seats=False),
                ),
                note=" ".join(self.pay_source),
                labelled=True,
            ),
            Part("Qualifications: sources", (" ".join(sources),)),
            Part("Why the plan has this role", bullets=why),
        )


def _pay_lines(ranges: tuple[PayRange, ...], label: str, *, seats: bool) -> tuple[str, ...]:
    """One line per range; places paid alike share a line (with their seats when ``seats``)."""
    alike: dict[tuple[float, float], list[PayRange]] = {}
    for r in ranges:
        alike.setdefault((r.low, r.high), []).append(r)
    out = []
    for group in alike.values():
        text = PayRange(None, group[0].low, group[0].high, 0).text
        names = [_place(r.place) for r in group if r.place]
        where = f" in {_listed(names)}" if names else ""
        count = f" ({count_of(sum(r.seats for r in group), 'seat')})" if seats else ""
        out.append(f"{label}{where}: {text}{count}")
    return tuple(out)


def job_descriptions(plan: Plan, known: tuple[Job, ...] | None = None) -> tuple[JobDescription, ...]:
    """One job description per job (title) of ``plan``, in the plan's order (the head of HR first).

    ``known`` are the plan's jobs when the caller has them already (from :func:`orgplan.model.duties.jobs`).

    >>> from orgplan import plan, profile_from_dict
    >>> jds = job_descriptions(plan(profile_from_dict({"company": "Acme", "employees": 60})))
    >>> [(j.title, j.reports_to) for j in jds]
    [('HR Generalist', ('Chief Executive Officer',))]
    """
    return _Reader(plan).all(jobs(plan) if known is None else known)


def slug(title: str) -> str:
    """A file name from a title: lower case, words joined by hyphens, plain letters.

    >>> slug("VP of HR Operations and Shared Services"), slug("Directrice RH, Île-de-France")
    ('vp-of-hr-operations-and-shared-services', 'directrice-rh-ile-de-france')
    """
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:80].strip("-")


def about(plan: Plan) -> str:
    """The About paragraph of a company whose profile gives none: its name, industry, size and places.

    >>> from orgplan import plan, profile_from_dict
    >>> about(plan(profile_from_dict({"company": "Acme", "employees": 1200, "industry": "retail", "countries": 3})))
    'Acme is a retail company of about 1,200 people in 3 countries.'
    """
    p = plan.profile
    kind = f"{p.industry} company" if p.industry.strip().lower() not in ("", "general") else "company"
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    where = ""
    named = [_place(c.name) for c in p.countries if not c.assumed]
    if len(p.countries) > 1:
        where = f" in {_listed(named, 6) if len(named) == len(p.countries) else f'{len(p.countries)} countries'}"
    elif named:
        where = f" in {named[0]}"
    units = ""
    if len(p.business_units) > 1:
        names = [u.name for u in p.business_units if not u.assumed]
        shown = f" ({_listed(names, 6)})" if len(names) == len(p.business_units) else ""
        units = f", with {len(p.business_units)} business units{shown}"
    return f"{p.company} is {article} {kind} of about {p.employees:,} people{where}{units}."


class _Reader:
    """The plan's seats looked up once: titles, reports and the size of teams."""

    def __init__(self, plan: Plan):
        self.plan, self.t = plan, plan.templates
        self.titles = {s.id: s.title for s in plan.seats}
        self.kids = plan.reports_index
        self.below: Counter[str] = Counter()
        for s in reversed(plan.seats):  # reports come after their managers
            if s.reports_to is not None and s.is_hr:
                self.below[s.reports_to] += 1 + self.below[s.id]
        countries = plan.profile.countries
        self.headquarters = "Headquarters" if countries[0].assumed else f"{countries[0].name} (headquarters)"
        self.order = {c.name: i for i, c in enumerate(countries)}

    def all(self, known: tuple[Job, ...]) -> tuple[JobDescription, ...]:
        out, used = [], Counter[str]()
        for job in known:
            if job.role not in self.t.roles:
                continue
            name = slug(job.title) or slug(job.role)
            used[name] += 1
            out.append(self.one(job, name if used[name] == 1 else f"{name}-{used[name]}"))
        return tuple(out)

    def one(self, job: Job, file: str) -> JobDescription:
        t, plan = self.t, self.plan
        key, seats = job.role, list(job.seats)
        role = t.roles[key]
        levels = tuple(sorted({s.level for s in seats}))
        return JobDescription(
            role=key,
            title=job.title,
            file=file,
            company=plan.profile.company,
            family=t.families[role.family].label,
            levels=levels,
            seats=len(seats),
            fte=round(sum(s.fte for s in seats), 2),
            titles=tuple(Counter(s.title for s in seats).items()),
            grown=self.grown(role, seats),
            about=plan.profile.about or about(plan),
            summary=role.summary,
            reports_to=tuple(dict.fromkeys(self.titles.get(s.reports_to or "", "no one") for s in seats)),
            direct_reports=self.direct_reports(job),
            dotted_to=tuple(dict.fromkeys(self.titles[s.dotted_to] for s in seats if s.dotted_to in self.titles)),
            duties=self.duties(job),
            leads=self.leads(job),
            responsibilities=_responsibilities(role, job),
            skills=role.skills,
            qualifications=tuple((lv, t.catalog.qualifications(key, lv)) for lv in levels),
            next_steps=tuple(t.roles[k].title for k in role.next_steps if k in t.roles),
            locations=tuple(dict.fromkeys(self.where(s) for s in self.by_place(seats))),
            units=tuple(dict.fromkeys(s.unit for s in seats if s.unit)),
            pay=self.ranges(seats, posted=True),
            pay_basis=role.paid_as,
            pay_note=self.pay_note(role),
            planned_pay=self.ranges(seats, posted=False),
            pay_source=_pay_source(plan, role, seats),
            places=tuple(Counter(p for s in seats for p in (s.unit, s.country) if p).items()),
            why=tuple(dict.fromkeys(r.reason for s in seats for r in s.rationale)),
            equal_opportunity=plan.profile.equal_opportunity or "",
        )

    def grown(self, role: Role, seats: list[Position]) -> tuple[str, ...]:
        """A sentence for each title whose seats sit above the role's own level: what they lead, and at what level."""
        out = []
        for title, group in _grouped(s for s in seats if s.level > role.level):
            stage = self.t.catalog.qualifications(role.key, group[0].level).stage or f"level {group[0].level}"
            led = max(self.below[s.id] for s in group)
            who = f"{title}: leads" if len(group) > 1 or len(seats) > 1 else "Leads"
            out.append(f"{who} {count_of(led, 'seat')}: the {role.title} role at {stage} level.")
        return tuple(out)

    def duties(self, job: Job) -> tuple[tuple[str, str, str], ...]:
        """Each HR function of the company the job has a mark for, in the profile's order: the
        mark and what it means for this job.

        The owner of a function (the ledger names one seat) sets its direction, budget and
        policy; a seat does the work it took from the ledger unless a seat below it does it
        too; a leader leads and oversees what its team does.
        """
        out = []
        for f in self.plan.profile.functions:
            info, mark = self.t.functions.get(f), job.mark(f)
            if info is None or mark is None:
                continue
            team = _listed([f"the {title}" for title in job.done_by.get(f, ())])  # the direct reports it goes through
            if mark == MARKS[0]:
                text = f"{info.directing} {info.doing}"
            elif mark == MARKS[1]:
                text = info.directing
            elif mark == MARKS[2]:
                text = info.doing
            else:
                text = f"Lead and oversee the work of {team}: {info.description[:1].lower()}{info.description[1:]}"
            out.append((info.label, mark, text))
        return tuple(out)

    def where(self, seat: Position) -> str:
        """The country a seat works in; the headquarters for a seat serving the whole company."""
        first = self.plan.profile.countries[0].name
        return self.headquarters if seat.country in (None, first) else seat.country or ""

    def by_place(self, seats: list[Position]) -> list[Position]:
        """The seats in the profile's order of countries, the headquarters first."""
        return sorted(seats, key=lambda s: self.order.get(s.country or "", 0))

    def leads(self, job: Job) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """What the job leads and oversees: each direct report's title, with the functions its team does."""
        through: dict[str, list[str]] = {}
        for f in self.plan.profile.functions:
            info = self.t.functions.get(f)
            if info is None or f not in job.oversees:
                continue
            for title in job.done_by.get(f, ()):
                through.setdefault(title, []).append(info.label if info.label[:2].isupper() else info.label.lower())
        roles = self.t.roles
        kids = Counter(base_title(k.title, roles.get(k.role)) for s in job.seats for k in self.kids.get(s.id, ()))
        order = {title: i for i, title in enumerate(kids)}
        ranked = sorted(through.items(), key=lambda item: order.get(item[0], len(order)))
        return tuple((_plural(title, kids[title]), tuple(functions)) for title, functions in ranked)

    def direct_reports(self, job: Job) -> tuple[tuple[str, int], ...]:
        return tuple(Counter(k.title for s in job.seats for k in self.kids.get(s.id, ()) if k.is_hr).items())

    def ranges(self, seats: list[Position], *, posted: bool) -> tuple[PayRange, ...]:
        """The seats' pay per place: the posted ranges around each seat's pay (``posted``), or the planned pay."""
        policy = self.t.pay
        places: dict[str, list[tuple[float, float]]] = {}
        for s in self.by_place(seats):
            pay = policy.pay_range(s.base_salary, s.level) if posted else (s.base_salary, s.base_salary)
            places.setdefault(self.where(s), []).append(pay)
        single = len(places) == 1
        return tuple(
            PayRange(None if single else place, min(p[0] for p in pays), max(p[1] for p in pays), len(pays))
            for place, pays in places.items()
        )

    def pay_note(self, role: Role) -> str:
        """Where the posted range comes from, in a candidate's words (no planning notes)."""
        found = _PUBLISHED.search(role.salary.source)
        market = f"{found.group(0).strip()}, {role.salary.year}" if found else f"published pay data, {role.salary.year}"
        profile = self.plan.profile
        local = profile.salary_multiplier != 1 or any(c.pay_index != 1 for c in profile.countries)
        return (
            f"Source: market pay for this kind of role ({market}){', set to local pay levels' if local else ''}; "
            "the width of the range follows common salary-structure practice (WorldatWork). "
            "Amounts are in U.S. dollars; where you start in the range depends on your experience."
        )


def _pay_source(plan: Plan, role: Role, seats: list[Position]) -> tuple[str, ...]:
    """Where the planned pay comes from: the catalog's market figure, then each rule of
    the pay policy that raised a seat's pay, then the posted range's width."""
    t, profile = plan.templates, plan.profile
    policy = t.pay
    year = "" if str(role.salary.year) in role.salary.source else f" ({role.salary.year})"
    out = [f"Market pay: {money(role.salary.base)} a year, {role.salary.source.rstrip('.')}{year}."]
    if role.salary_note:
        out.append(role.salary_note)
    index = {c.name: c.pay_index for c in profile.countries}
    leader = role.family == "leadership"
    floors, head, premium = set(), None, False
    for s in seats:
        base = role.salary.base
        if (leader or s.level > role.level) and policy.floor(s.level) > base:
            base = policy.floor(s.level)
            floors.add(s.level)
        if s.reports_to == plan.root.id and policy.head_floor(profile.employees) > base:
            base = head = policy.head_floor(profile.employees)
        scaled = round(base * profile.salary_multiplier * index.get(s.country or "", 1.0))
        premium = premium or s.base_salary > scaled + 0.5
    for level in sorted(floors):
        out.append(
            f"Level {level} seats are paid at least {money(policy.floor(level))}: "
            f"{policy.level_floors[level].source.rstrip('.')}."
        )
    if head is not None:
        figure = next(f for n, f in reversed(policy.head_of_hr) if profile.employees >= n)
        out.append(
            f"As head of HR of {profile.employees:,} employees, at least {money(head)}: {figure.source.rstrip('.')}."
        )
    if profile.salary_multiplier != 1:
        out.append(
            f"Times the company's salary multiplier of {profile.salary_multiplier:g} (cost of labour "
            "against U.S. medians)."
        )
    shown = [
        f"{c} {index[c]:g}"
        for c in dict.fromkeys(s.country for s in seats if s.country and index.get(s.country, 1.0) != 1)
    ]
    if shown:
        out.append("Times the pay index of the country: " + ", ".join(shown) + ".")
    if premium:
        out.append(
            f"Raised to at least {policy.supervisor_premium.value:.0%} above the best-paid seat the "
            f"leader leads: {policy.supervisor_premium.source.rstrip('.')}."
        )
    spreads = sorted({s.level for s in seats})
    widths = ", ".join(f"level {lv} {policy.range_spread.get(lv, 0.0):.0%}" for lv in spreads)
    out.append(f"Posted range: the planned pay as its midpoint, {widths} wide: {policy.range_source.rstrip('.')}.")
    return tuple(out)


_PUBLISHED = re.compile(r"(U\.S\. BLS OEWS|BLS OEWS|O\*NET) [0-9-]+[^,;()]*")


def _plural(title: str, count: int) -> str:
    """A title for ``count`` seats: 'HR Generalists', 'Directors of Total Rewards', 'HR Team Leads, Recruiters'.

    >>> _plural("Director of Total Rewards", 2), _plural("HR Team Lead, Recruiters", 3), _plural("Recruiter", 1)
    ('Directors of Total Rewards', 'HR Team Leads, Recruiters', 'Recruiter')
    """
    if count < 2:
        return title
    head, sep, tail = title.partition(", ")
    head, of, rest = head.partition(" of ")
    if not head.endswith("s"):
        head = head[:-1] + "ies" if head.endswith("y") and head[-2:-1] not in "aeiou" else head + "s"
    return head + of + rest + sep + tail


def _responsibilities(role: Role, job: Job) -> tuple[str, ...]:
    """The role's responsibilities this job has: one that is part of some HR functions only
    when the job does or directs one of them."""
    tags = role.duty_functions or ((),) * len(role.responsibilities)
    return tuple(
        text
        for text, functions in zip(role.responsibilities, tags, strict=True)
        if not functions or any(job.mark(f) not in (None, MARKS[3]) for f in functions)
    )


_THE = re.compile(r"(United |Republic|Kingdom|Netherlands|Philippines|Bahamas|Gambia|Maldives|Emirates|Islands)")


def _place(name: str) -> str:
    """A country's name as running text has it: 'the United States', 'Germany'."""
    return f"the {name}" if _THE.search(name.split(" (")[0]) and not name.lower().startswith("the ") else name


def _grouped(seats: Iterable[Position]) -> list[tuple[str, list[Position]]]:
    groups: dict[str, list[Position]] = {}
    for s in seats:
        groups.setdefault(s.title, []).append(s)
    return list(groups.items())


def _listed(items: list[str], limit: int = 8, joiner: str = "and") -> str:
    """``'a, b and c'``; beyond ``limit`` items, the first ones and how many more."""
    if not items:
        return ""
    if len(items) > limit:
        return ", ".join(items[: limit - 1]) + f" and {len(items) - limit + 1} more"
    return ", ".join(items[:-1]) + (f" {joiner} " if len(items) > 1 else "") + items[-1]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- Markdown ---------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def _md(text: str) -> str:
    """Text safe in Markdown: its special characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _markdown(title: str, headline: str, parts: tuple[Part, ...]) -> str:
    lines = [f"# {_md(title)}", "", _md(headline)]
    for part in parts:
        lines += ["", f"## {_md(part.heading)}", ""]
        for text in part.paragraphs:
            lines += [_md(text), ""]
        for bullet in part.bullets:
            label, rest = part.split(bullet)
            lines.append(f"- **{_md(label)}** {_md(rest)}" if label else f"- {_md(rest)}")
        if part.note:
            lines += ["", f"*{_md(part.note)}*"]
        while lines[-1] == "":
            lines.pop()
    return "\n".join(lines) + "\n"


def markdown(jd: JobDescription) -> str:
    """The job posting as Markdown: the title, the headline, then each part.

    >>> from orgplan import plan, profile_from_dict
    >>> jd = job_descriptions(plan(profile_from_dict({"company": "Acme", "employees": 60})))[0]
    >>> print(markdown(jd).splitlines()[0])
    # HR Generalist
    """
    return _markdown(jd.title, jd.headline, jd.parts)


def brief_markdown(jd: JobDescription) -> str:
    """The hiring-manager brief as Markdown: the planning notes behind the posting."""
    text = _markdown(f"{jd.title}: hiring-manager brief", jd.brief_headline, jd.brief_parts)
    return text + (
        f"\n*For the hiring manager, not for candidates: the posting is {jd.file}.md and {jd.file}.docx. "
        "Written by orgplan from the staffing plan.*\n"
    )


def index_markdown(plan: Plan, jds: tuple[JobDescription, ...], formats: tuple[str, ...]) -> str:
    """The folder's index: every job with its seats, reporting line, posting and brief."""
    lines = [
        f"# Job descriptions: {_md(plan.profile.company)}",
        "",
        f"{count_of(len(jds), 'job')} in the recommended HR team of {plan.profile.employees:,} employees: "
        f"a posting per job, and a brief for the hiring manager in {BRIEFS}/.",
        "",
        "| Job | Seats | FTE | Reports to | Posting | Brief |",
        "| --- | ---: | ---: | --- | --- | --- |",
    ]
    for jd in jds:
        files = ", ".join(f"[{f}]({jd.file}.{f})" for f in formats)
        lines.append(
            f"| {_md(jd.title)} | {jd.seats} | {number(jd.fte)} | {_md('; '.join(jd.reports_to))} | {files} "
            f"| [md]({BRIEFS}/{jd.file}.md) |"
        )
    return "\n".join(lines) + "\n"


# -- Word -------------------------------------------------------------------------------
_FONT, _HEADING_FONT = "Arial", "Arial"  # Liberation Sans where Arial is missing: the same widths
_INK, _ACCENT, _GREY = (0x26, 0x26, 0x26), (0x1F, 0x4E, 0x79), (0x59, 0x59, 0x59)


def docx_bytes(jd: JobDescription) -> bytes:
    """The job posting as a Word document (.docx), styled for a job board or a print-out:
    the fonts, sizes, colours and spacing of every style it uses are set here."""
    try:
        from docx import Document
        from docx.shared import Cm, Pt, RGBColor
    except ImportError:  # pragma: no cover - installed with orgplan
        raise OptionError(
            "writing .docx needs the python-docx package; reinstall orgplan with: python3 -m pip install -e ."
        ) from None
    doc = Document()
    doc.core_properties.title = f"{jd.title} - {jd.company}"
    doc.core_properties.author = jd.company
    doc.core_properties.subject = "Job posting"
    doc.core_properties.comments = ""
    stamp = output_time().replace(tzinfo=None)  # the same input gives the same bytes
    doc.core_properties.created = doc.core_properties.modified = doc.core_properties.last_printed = stamp
    doc.core_properties.revision = 1
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2)
    _style(doc, "Normal", Pt(10.5), _INK, before=0, after=6, line=1.2)
    _style(doc, "Title", Pt(24), _ACCENT, bold=True, before=0, after=4, line=1.0, font=_HEADING_FONT)
    _no_border(doc.styles["Title"])
    _style(doc, "Subtitle", Pt(11), _GREY, before=0, after=14, line=1.1)
    _style(doc, "Heading 1", Pt(13), _ACCENT, bold=True, before=14, after=4, line=1.0, font=_HEADING_FONT)
    _style(doc, "List Bullet", Pt(10.5), _INK, before=0, after=3, line=1.15)
    doc.add_paragraph(jd.title, style="Title")
    doc.add_paragraph(jd.headline, style="Subtitle")
    for part in jd.parts:
        doc.add_paragraph(part.heading, style="Heading 1")
        for text in part.paragraphs:
            doc.add_paragraph(text)
        for bullet in part.bullets:
            label, rest = part.split(bullet)
            paragraph = doc.add_paragraph(style="List Bullet")
            if label:
                paragraph.add_run(label + " ").bold = True
            paragraph.add_run(rest)
        if part.note:
            note = doc.add_paragraph()
            note.paragraph_format.space_before = Pt(4)
            run = note.add_run(part.note)
            run.font.size = Pt(8.5)
            run.font.color.rgb = RGBColor(*_GREY)
            run.italic = True
    out = io.BytesIO()
    doc.save(out)
    return stable_zip(out.getvalue())


def _style(
    doc: object,
    name: str,
    size: object,
    colour: tuple[int, int, int],
    *,
    before: float,
    after: float,
    line: float,
    bold: bool = False,
    italic: bool = False,
    font: str = _FONT,
) -> None:
    """Set a paragraph style's font (for every script), size, colour and spacing explicitly."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    style = doc.styles[name]  # type: ignore[attr-defined]
    style.font.name = font
    style.font.size = size
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = RGBColor(*colour)
    rpr = style.element.get_or_add_rPr()
    for spaced in rpr.findall(qn("w:spacing")):  # letter spacing of the default template's Subtitle
        rpr.remove(spaced)
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), font)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)
    spacing = style.paragraph_format
    spacing.space_before, spacing.space_after, spacing.line_spacing = Pt(before), Pt(after), line
    if name.startswith("Heading") or name == "Title":
        spacing.keep_with_next = True


def _no_border(style: object) -> None:
    """Remove the rule the default template draws under the Title style."""
    from docx.oxml.ns import qn

    ppr = style.element.pPr  # type: ignore[attr-defined]
    if ppr is not None:
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)


# -- the folder -------------------------------------------------------------------------
def job_files(plan: Plan, formats: tuple[str, ...] | list[str] = FORMATS) -> dict[str, bytes]:
    """Every file of the job descriptions folder by name: ``<title>.md`` and ``<title>.docx``
    (the postings), ``briefs/<title>.md`` and ``index.md``.

    >>> from orgplan import plan, profile_from_dict
    >>> sorted(job_files(plan(profile_from_dict({"company": "Acme", "employees": 60}))))
    ['briefs/hr-generalist.md', 'hr-generalist.docx', 'hr-generalist.md', 'index.md']
    """
    formats = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in formats if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise OptionError(
            f"unknown format {unknown[0]!r}; expected {' or '.join(FORMATS)}"
            if unknown
            else f"no format given; expected {' or '.join(FORMATS)}",
            where="--format",
        )
    jds = job_descriptions(plan)
    files: dict[str, bytes] = {}
    for jd in jds:
        if "md" in formats:
            files[f"{jd.file}.md"] = markdown(jd).encode("utf-8")
        if "docx" in formats:
            files[f"{jd.file}.docx"] = docx_bytes(jd)
    for jd in jds:
        files[f"{BRIEFS}/{jd.file}.md"] = brief_markdown(jd).encode("utf-8")
    files["index.md"] = index_markdown(plan, jds, formats).encode("utf-8")
    return files


class _OwnNames(Collection[str]):
    """The names orgplan writes into a jobs folder: postings named after titles (lower-case
    words joined by hyphens, as :func:`slug` makes them; earlier versions used role keys
    with underscores), the briefs folder and the index. Anything else is someone else's."""

    _NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,90}\.(md|docx)")

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in (BRIEFS, "index.md") or self._NAME.fullmatch(name) is not None)

    def __iter__(self) -> Iterator[str]:
        return iter((BRIEFS, "index.md"))

    def __len__(self) -> int:
        return 2


def write_jobs(
    plan: Plan, out_dir: str | os.PathLike[str], formats: tuple[str, ...] | list[str] = FORMATS
) -> list[Path]:
    """Write the postings into ``out_dir/jobs/`` (``<title>.md`` and/or ``<title>.docx``), the
    hiring-manager briefs into ``out_dir/jobs/briefs/``, and ``index.md``.

    Every file is made first, then the set is moved into place together, so a failure
    leaves the folder as it was; files of jobs the plan no longer has are removed.
    Returns the paths written.

    >>> import tempfile
    >>> from orgplan import plan, profile_from_dict
    >>> paths = write_jobs(plan(profile_from_dict({"company": "Acme", "employees": 60})), tempfile.mkdtemp(), ["md"])
    >>> [p.name for p in paths]
    ['hr-generalist.md', 'hr-generalist.md', 'index.md']
    """
    files = job_files(plan, formats)
    # the folder is replaced whole, so it mirrors the plan
    with atomic_folder(Path(out_dir) / "jobs", _OwnNames()) as staging:
        (staging / BRIEFS).mkdir()
        for name, data in files.items():
            (staging / name).write_bytes(data)
    folder = Path(out_dir) / "jobs"
    return [folder / name for name in files]
