"""From plan to hiring: a job description for every role of a plan, in the plan's terms.

A description speaks of the company's own seats: their titles and levels (a seat that
grew with its team, such as a Talent Acquisition Manager at director level, says so),
whom they report to and who reports to them, the HR functions they carry in this
company, the pay range of the plan's seats with its source, how many seats and FTE, and
why the plan has them. The catalog adds the role's summary, responsibilities, skills,
qualifications by level and next career steps.

:func:`job_descriptions` gives the descriptions as data, each as :class:`Part` sections
that every output renders alike: Markdown (:func:`markdown`), a Word document
(:func:`docx_bytes`), the workbook's Job descriptions sheet and the web page.
:func:`write_jobs` writes them into a folder, one file per role and an index.

>>> from orgplan import plan, profile_from_dict
>>> jds = job_descriptions(plan(profile_from_dict({"company": "Acme", "employees": 400})))
>>> jd = next(j for j in jds if j.role == "recruiter")
>>> jd.title, jd.seats, jd.reports_to
('Recruiter', 1, (('HR Manager', 1),))
"""

from __future__ import annotations

import io
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from orgplan.core.files import atomic_folder
from orgplan.core.words import count_of, money, number
from orgplan.errors import OptionError
from orgplan.model.plan import Plan, Position

if TYPE_CHECKING:
    from orgplan.knowledge.catalog import Qualifications, Role

__all__ = [
    "Part",
    "PayRange",
    "JobDescription",
    "job_descriptions",
    "markdown",
    "docx_bytes",
    "job_files",
    "write_jobs",
    "FORMATS",
]

FORMATS = ("md", "docx")
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
    """The base pay of a role's seats in one place (a country, or None for seats not aligned to one)."""

    country: str | None
    low: float
    high: float
    seats: int

    @property
    def text(self) -> str:
        """``'$98,430 - $108,273 a year'``, or one figure when every seat is paid the same."""
        amount = money(self.low) if self.low == self.high else f"{money(self.low)} - {money(self.high)}"
        return f"{amount} a year"


@dataclass(frozen=True)
class JobDescription:
    """The job description of one role of a plan, its facts as data and its text as :attr:`parts`."""

    role: str
    title: str
    company: str
    family: str
    levels: tuple[int, ...]
    seats: int
    fte: float
    titles: tuple[tuple[str, int], ...]  # the seats' own titles, with how many seats have each
    grown: tuple[str, ...]  # for seats that grew with their teams: "Leads 60 seats: the ... role at director level."
    summary: str
    reports_to: tuple[tuple[str, int], ...]  # manager titles, with how many of the role's seats report to each
    direct_reports: tuple[tuple[str, int], ...]  # titles of the seats reporting to the role's seats, with counts
    dotted_to: tuple[str, ...]  # titles the seats also answer to on a dotted line
    functions: tuple[tuple[str, str, str], ...]  # (HR function label, what the seats do with it, what that means)
    responsibilities: tuple[str, ...]
    skills: tuple[str, ...]
    qualifications: tuple[tuple[int, Qualifications], ...]  # by level of the role's seats
    next_steps: tuple[str, ...]
    pay: tuple[PayRange, ...]
    pay_basis: str  # 'salary' or 'fee'
    pay_source: tuple[str, ...]
    places: tuple[tuple[str, int], ...]  # business units and countries the seats serve, with counts
    why: tuple[str, ...]

    @property
    def seats_text(self) -> str:
        """``'3 seats, 2.5 FTE'``."""
        return f"{count_of(self.seats, 'seat')}, {number(round(self.fte, 2))} FTE"

    @property
    def headline(self) -> str:
        """The line under the title: company, family, level, seats."""
        levels = " and ".join(f"level {lv} ({q.stage})" if q.stage else f"level {lv}" for lv, q in self.qualifications)
        return f"{self.company} · {self.family} · {levels} · {self.seats_text}"

    @property
    def pay_lines(self) -> tuple[str, ...]:
        """The pay range, one line per range: countries paid alike share a line."""
        label = "Fee" if self.pay_basis == "fee" else "Base salary"
        alike: dict[tuple[float, float, bool], list[PayRange]] = {}
        for r in self.pay:
            alike.setdefault((r.low, r.high, r.country is None), []).append(r)
        out = []
        for ranges in alike.values():
            text = PayRange(None, ranges[0].low, ranges[0].high, 0).text
            countries = [r.country for r in ranges if r.country]
            where = (
                ""
                if len(alike) == 1  # one range for every seat of the role, wherever it sits
                else f" in {_listed(countries)}"
                if countries
                else " for seats serving the whole company"
            )
            seats = f" ({count_of(sum(r.seats for r in ranges), 'seat')})" if len(alike) > 1 or len(ranges) > 1 else ""
            out.append(f"{label}{where}: {text}{seats}")
        if round(self.fte, 2) != self.seats:
            out.append(
                f"Part time: {'the seats are' if self.seats > 1 else 'the seat is'} "
                f"{number(round(self.fte, 2))} FTE{' in all' if self.seats > 1 else ''}; "
                "the figures above are full-time rates, paid in proportion."
            )
        return tuple(out)

    @property
    def parts(self) -> tuple[Part, ...]:
        """The sections every output shows, in order."""
        many = self.seats > 1
        line = [f"Reports to: {_counted(self.reports_to, many)}"]
        if self.direct_reports:
            across = f" (across the {self.seats} seats)" if many else ""
            line.append(f"Direct reports{across}: " + "; ".join(f"{t} ({n})" for t, n in self.direct_reports))
        else:
            line.append("Direct reports: none")
        if self.dotted_to:
            line.append("Dotted line to: " + "; ".join(self.dotted_to))
        functions = tuple(f"{label} - {what}: {detail}" for label, what, detail in self.functions) or (
            "No HR function of its own: it leads the seats below it.",
        )
        quals = []
        notes = []
        for level, q in self.qualifications:
            prefix = f"Level {level} ({q.stage}) - " if len(self.qualifications) > 1 else ""
            quals += [
                f"{prefix}Education: {q.education}",
                f"{prefix}Experience: {q.experience}",
                f"{prefix}Certifications: {q.certifications}",
            ]
            notes.append(q.source if q.source.startswith("Source") else f"Source: {q.source}")
        seats = [f"{self.seats_text} in the plan."]
        if len(self.titles) > 1 or self.titles[0][0] != self.title:
            seats.append("Seats: " + _listed([f"{t} ({n})" for t, n in self.titles]) + ".")
        if self.places:
            seats.append("Serving: " + _listed([f"{p} ({n})" for p, n in self.places]) + ".")
        why = self.why[:MAX_REASONS] + (
            (f"And {len(self.why) - MAX_REASONS} more reasons of the same kind, one per seat (see the staffing plan).",)
            if len(self.why) > MAX_REASONS
            else ()
        )
        return (
            Part("Summary", (*self.grown, self.summary)),
            Part("Reporting line", bullets=tuple(line), labelled=True),
            Part(f"HR functions this role covers at {self.company}", bullets=functions, labelled=bool(self.functions)),
            Part("Responsibilities", bullets=self.responsibilities),
            Part("Skills", bullets=tuple(_sentence(s) for s in self.skills)),
            Part(
                "Qualifications and experience",
                bullets=tuple(quals),
                note=" ".join(dict.fromkeys(notes)),
                labelled=True,
            ),
            Part("Career next steps", bullets=self.next_steps),
            Part("Pay range", bullets=self.pay_lines, note=" ".join(self.pay_source), labelled=True),
            Part("Seats and FTE", tuple(seats)),
            Part("Why the plan has this role", bullets=why),
        )


def job_descriptions(plan: Plan) -> tuple[JobDescription, ...]:
    """One job description per distinct HR role of ``plan``, in the plan's order (the head of HR first).

    >>> from orgplan import plan, profile_from_dict
    >>> jds = job_descriptions(plan(profile_from_dict({"company": "Acme", "employees": 30})))
    >>> [(j.title, j.reports_to) for j in jds]
    [('HR Generalist', (('Chief Executive Officer', 1),))]
    """
    return _Reader(plan).all()


class _Reader:
    """The plan's seats looked up once: by role, their reports and the size of their teams."""

    def __init__(self, plan: Plan):
        self.plan, self.t = plan, plan.templates
        self.titles = {s.id: s.title for s in plan.seats}
        self.kids: dict[str, list[Position]] = {}
        for s in plan.seats:
            if s.reports_to is not None:
                self.kids.setdefault(s.reports_to, []).append(s)
        self.below: Counter[str] = Counter()
        for s in reversed(plan.seats):  # reports come after their managers
            if s.reports_to is not None and s.is_hr:
                self.below[s.reports_to] += 1 + self.below[s.id]
        self.owned: dict[str, list[str]] = {}
        for f, row in plan.ledger.items():
            if row.get("owner"):
                self.owned.setdefault(row["owner"], []).append(f)
        self.roles_in_plan = {s.role for s in plan.hr_seats}
        first = plan.profile.countries[0]
        self.home = None if first.assumed else first.name  # where central seats sit: not a place they serve

    def all(self) -> tuple[JobDescription, ...]:
        by_role: dict[str, list[Position]] = {}
        for s in self.plan.hr_seats:
            by_role.setdefault(s.role, []).append(s)
        return tuple(self.one(key, seats) for key, seats in by_role.items() if key in self.t.roles)

    def one(self, key: str, seats: list[Position]) -> JobDescription:
        t, plan = self.t, self.plan
        role = t.roles[key]
        bases = Counter(_base_title(s.title, role) for s in seats)
        title = bases.most_common(1)[0][0] if len(bases) == 1 else role.title
        levels = tuple(sorted({s.level for s in seats}))
        return JobDescription(
            role=key,
            title=title,
            company=plan.profile.company,
            family=t.families[role.family].label,
            levels=levels,
            seats=len(seats),
            fte=round(sum(s.fte for s in seats), 2),
            titles=tuple(Counter(s.title for s in seats).items()),
            grown=self.grown(role, seats),
            summary=role.summary,
            reports_to=tuple(Counter(self.titles.get(s.reports_to or "", "no one") for s in seats).items()),
            direct_reports=tuple(Counter(k.title for s in seats for k in self.kids.get(s.id, ()) if k.is_hr).items()),
            dotted_to=tuple(dict.fromkeys(self.titles[s.dotted_to] for s in seats if s.dotted_to in self.titles)),
            functions=self.functions(seats),
            responsibilities=role.responsibilities,
            skills=role.skills,
            qualifications=tuple((lv, t.catalog.qualifications(key, lv)) for lv in levels),
            next_steps=tuple(
                t.roles[k].title + (" (a seat in this plan)" if k in self.roles_in_plan else "")
                for k in role.next_steps
                if k in t.roles
            ),
            pay=self.pay(seats),
            pay_basis=role.paid_as,
            pay_source=self.pay_source(role, seats),
            places=tuple(Counter(p for s in seats for p in (s.unit, s.country) if p and p != self.home).items()),
            why=tuple(dict.fromkeys(r.reason for s in seats for r in s.rationale)),
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

    def functions(self, seats: list[Position]) -> tuple[tuple[str, str, str], ...]:
        """Each HR function of the company the seats do or own, in the profile's order: what
        they do with it and what that means.

        An owner sets the function's direction, budget and policy (the plan's workload ledger
        names one seat per function); a seat with neither (a team lead) leads the work its
        direct reports do.
        """
        does = {f for s in seats for f in s.functions}
        owns = {f for s in seats for f in self.owned.get(s.id, ())}
        ids = {s.id for s in seats}
        leads = (
            set() if does or owns else {f for p in self.plan.seats if p.reports_to in ids for f in p.functions}
        )  # a team lead: its team's work
        out = []
        for f in self.plan.profile.functions:
            info = self.t.functions.get(f)
            if f not in does | owns | leads or info is None:
                continue
            what = (
                "does the work and owns it"
                if f in does and f in owns
                else "owns it"
                if f in owns
                else "does the work"
                if f in does
                else "leads the team doing it"
            )
            detail = (
                f"{info.directing} {info.doing}"
                if f in does and f in owns
                else info.directing
                if f in owns
                else info.doing
            )
            out.append((info.label, what, detail))
        return tuple(out)

    @staticmethod
    def pay(seats: list[Position]) -> tuple[PayRange, ...]:
        """The lowest and highest base pay of the seats, per country when they serve countries."""
        places: dict[str | None, list[float]] = {}
        for s in seats:
            places.setdefault(s.country, []).append(s.base_salary)
        return tuple(PayRange(c, min(p), max(p), len(p)) for c, p in places.items())

    def pay_source(self, role: Role, seats: list[Position]) -> tuple[str, ...]:
        """Where the pay comes from: the catalog's market figure, then each rule of the pay
        policy that raised a seat's pay."""
        t, profile = self.t, self.plan.profile
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
            if s.reports_to == self.plan.root.id and policy.head_floor(profile.employees) > 0:
                base = head = policy.head_floor(profile.employees)  # the head is paid for the company's size
            elif (leader or s.level > role.level) and policy.floor(s.level) > base:
                base = policy.floor(s.level)
                floors.add(s.level)
            scaled = round(base * profile.salary_multiplier * index.get(s.country or "", 1.0))
            premium = premium or s.base_salary > scaled + 0.5
        for level in sorted(floors):
            out.append(
                f"Level {level} seats are paid at least {money(policy.floor(level))}: "
                f"{policy.level_floors[level].source.rstrip('.')}."
            )
        if head is not None:
            points = policy.head_sources(profile.employees)
            between = (
                f", between {money(points[0][1].value or 0)} at {points[0][0]:,} and "
                f"{money(points[1][1].value or 0)} at {points[1][0]:,} employees"
                if len(points) == 2
                else ""
            )
            out.append(
                f"As head of HR of {profile.employees:,} employees, {money(head)}{between}, rising evenly with "
                "the company's size: " + "; ".join(f.source.rstrip(".") for _, f in points) + "."
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
        return tuple(out)


def _grouped(seats: object) -> list[tuple[str, list[Position]]]:
    groups: dict[str, list[Position]] = {}
    for s in seats:  # type: ignore[attr-defined]
        groups.setdefault(s.title, []).append(s)
    return list(groups.items())


def _base_title(title: str, role: Role) -> str:
    """The title without the unit, country or team it names: the longest of the role's titles it starts with."""
    known = sorted({role.title, *(g.title for g in role.grows if g.title)}, key=len, reverse=True)
    return next((k for k in known if title == k or title.startswith(k + ", ")), title)


def _listed(items: list[str], limit: int = 8) -> str:
    """``'a, b and c'``; beyond ``limit`` items, the first ones and how many more."""
    if len(items) > limit:
        return ", ".join(items[: limit - 1]) + f" and {len(items) - limit + 1} more"
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def _counted(items: tuple[tuple[str, int], ...], many: bool) -> str:
    return "; ".join(f"{t} ({n} seat{'s' if n != 1 else ''})" if many else t for t, n in items)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- Markdown ---------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def _md(text: str) -> str:
    """Text safe in Markdown: its special characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown(jd: JobDescription) -> str:
    """The job description as Markdown: the title, the headline, then each part.

    >>> from orgplan import plan, profile_from_dict
    >>> jd = job_descriptions(plan(profile_from_dict({"company": "Acme", "employees": 30})))[0]
    >>> print(markdown(jd).splitlines()[0])
    # HR Generalist
    """
    lines = [f"# {_md(jd.title)}", "", _md(jd.headline)]
    for part in jd.parts:
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


def index_markdown(plan: Plan, jds: tuple[JobDescription, ...], formats: tuple[str, ...]) -> str:
    """The folder's index: every role with its seats, reporting line and files."""
    lines = [
        f"# Job descriptions: {_md(plan.profile.company)}",
        "",
        f"{count_of(len(jds), 'role')} in the recommended HR team of {plan.profile.employees:,} employees, "
        "one file per role.",
        "",
        "| Role | Seats | FTE | Reports to | Files |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    for jd in jds:
        files = ", ".join(f"[{f}]({jd.role}.{f})" for f in formats)
        lines.append(
            f"| {_md(jd.title)} | {jd.seats} | {number(jd.fte)} | {_md(_counted(jd.reports_to, False))} | {files} |"
        )
    return "\n".join(lines) + "\n"


# -- Word -------------------------------------------------------------------------------
def docx_bytes(jd: JobDescription) -> bytes:
    """The job description as a Word document (.docx): headings, paragraphs and bullet lists
    to paste into a job board."""
    try:
        from docx import Document
        from docx.shared import Pt, RGBColor
    except ImportError:  # pragma: no cover - installed with orgplan
        raise OptionError(
            "writing .docx needs the python-docx package; reinstall orgplan with: python3 -m pip install -e ."
        ) from None
    doc = Document()
    doc.core_properties.title = f"{jd.title} - {jd.company}"
    doc.core_properties.author = "orgplan"
    doc.core_properties.subject = "Job description"
    doc.add_heading(jd.title, level=0)
    doc.add_paragraph(jd.headline).runs[0].italic = True
    for part in jd.parts:
        doc.add_heading(part.heading, level=1)
        for text in part.paragraphs:
            doc.add_paragraph(text)
        for bullet in part.bullets:
            label, rest = part.split(bullet)
            paragraph = doc.add_paragraph(style="List Bullet")
            if label:
                paragraph.add_run(label + " ").bold = True
            paragraph.add_run(rest)
        if part.note:
            run = doc.add_paragraph().add_run(part.note)
            run.font.size = Pt(9)
            run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# -- the folder -------------------------------------------------------------------------
def job_files(plan: Plan, formats: tuple[str, ...] | list[str] = FORMATS) -> dict[str, bytes]:
    """Every file of the job descriptions folder by name: ``<role>.md``, ``<role>.docx`` and ``index.md``.

    >>> from orgplan import plan, profile_from_dict
    >>> sorted(job_files(plan(profile_from_dict({"company": "Acme", "employees": 30}))))
    ['hr_generalist.docx', 'hr_generalist.md', 'index.md']
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
            files[f"{jd.role}.md"] = markdown(jd).encode("utf-8")
        if "docx" in formats:
            files[f"{jd.role}.docx"] = docx_bytes(jd)
    files["index.md"] = index_markdown(plan, jds, formats).encode("utf-8")
    return files


def write_jobs(
    plan: Plan, out_dir: str | os.PathLike[str], formats: tuple[str, ...] | list[str] = FORMATS
) -> list[Path]:
    """Write a job description per role into ``out_dir/jobs/``: ``<role>.md`` and/or ``<role>.docx``, and ``index.md``.

    Every file is made first, then the set is moved into place together, so a failure
    leaves the folder as it was; descriptions of roles the plan no longer has are removed.
    Returns the paths written.

    >>> import tempfile
    >>> from orgplan import plan, profile_from_dict
    >>> paths = write_jobs(plan(profile_from_dict({"company": "Acme", "employees": 30})), tempfile.mkdtemp(), ["md"])
    >>> [p.name for p in paths]
    ['hr_generalist.md', 'index.md']
    """
    files = job_files(plan, formats)
    own = {f"{key}.{ext}" for key in plan.templates.roles for ext in FORMATS} | {"index.md"}
    with atomic_folder(Path(out_dir) / "jobs", own) as staging:  # the folder is replaced whole, so it mirrors the plan
        for name, data in files.items():
            (staging / name).write_bytes(data)
    folder = Path(out_dir) / "jobs"
    return [folder / name for name in files]
