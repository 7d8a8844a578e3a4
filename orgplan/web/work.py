"""The web page's heavy lifting: charts, workbooks and uploaded teams, as bytes.

Everything here is CPU-bound and runs in the bounded pool of :class:`HeavyWork`, whose
queue answers 503 when full, so heavy requests never take the threads cheap pages use. Files are written
only inside a temporary folder per call, removed when the call returns.

``orgplan.chart`` and ``orgplan.roadmap_chart`` draw through ``matplotlib.pyplot``, whose
figure registry is shared by every thread, so each drawing holds :data:`DRAW_LOCK`.
Planning needs no lock.

Very large charts are folded: the web never draws more than :data:`FULL_CHART_SEATS`
seats, so a request for the chart of a 5,000,000-employee company answers in well under
a second with the top levels and says what it folded.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orgplan.outputs.charts.choices import DETAILS, DIRECTIONS

if TYPE_CHECKING:
    from orgplan.knowledge.templates import Templates
    from orgplan.model.plan import Plan
    from orgplan.planning.gap import Comparison
    from orgplan.planning.growth import Roadmap
    from orgplan.reading.team import Team

__all__ = [
    "HeavyWork",
    "Busy",
    "DRAW_LOCK",
    "ChartRequest",
    "chart_request",
    "fit_chart",
    "branches",
    "chart_bytes",
    "inline_svg",
    "workbook_bytes",
    "jobs_zip_bytes",
    "roadmap_chart_bytes",
    "roadmap_workbook_bytes",
    "TeamStore",
    "read_uploaded_team",
    "FULL_CHART_SEATS",
    "PAGE_CHART_SEATS",
    "PAGE_CHART_WIDEST",
    "FULL_CHART_WIDEST",
    "EXPAND_SEATS",
    "MEDIA_TYPES",
]

DRAW_LOCK = threading.Lock()
PAGE_CHART_SEATS = 400  # the chart on the page folds above this many seats,
PAGE_CHART_WIDEST = 16  # to levels with at most this many seats side by side
FULL_CHART_SEATS = 1500  # a downloaded chart folds above this many,
FULL_CHART_WIDEST = 150  # keeping levels up to this wide
EXPAND_SEATS = 300  # drawing every seat one by one (no grouping) only up to this many
MEDIA_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/zip",
    ".json": "application/json",
}
_DIRECTIONS = tuple(d for d in DIRECTIONS if d != "auto")  # the page picks a way, or fits one


@dataclass(frozen=True)
class ChartRequest:
    """Chart options a link may carry: ``levels``, ``root``, ``direction``, ``detail``, ``expand``."""

    levels: int | None = None
    root: str | None = None
    direction: str = "tb"
    detail: str = "functions"
    expand: bool = False

    def options(self) -> dict[str, Any]:
        """The options as :func:`orgplan.outputs.charts.org_chart.render_chart` takes them."""
        out: dict[str, Any] = {"direction": self.direction, "detail": self.detail}
        if self.levels is not None:
            out["levels"] = self.levels
        if self.root:
            out["root"] = self.root
        if self.expand:
            out["expand"] = True
        return out


CHART_PARAMS = ("levels", "root", "direction", "detail", "expand")


def chart_request(params: Mapping[str, str]) -> tuple[ChartRequest, dict[str, str]]:
    """Read the chart options of a query; return them and the errors by option name.

    >>> chart_request({"levels": "2", "direction": "lr"})[0].levels
    2
    >>> chart_request({"levels": "two"})[1]
    {'levels': "expected a whole number of 1 or more, got 'two'"}
    """
    errors: dict[str, str] = {}
    levels: int | None = None
    text = (params.get("levels") or "").strip()
    if text:
        try:
            levels = int(text)
            if levels < 1:
                raise ValueError
        except ValueError:
            errors["levels"] = f"expected a whole number of 1 or more, got {text!r}"
            levels = None
    direction = (params.get("direction") or "tb").strip().lower()
    if direction not in _DIRECTIONS:
        errors["direction"] = f"unknown direction {direction!r}; expected 'tb' (top-down) or 'lr' (left-right)"
        direction = "tb"
    detail = (params.get("detail") or "functions").strip().lower()
    if detail not in DETAILS:
        errors["detail"] = f"expected one of {', '.join(DETAILS)}, got {detail!r}"
        detail = "functions"
    expand = (params.get("expand") or "").strip().lower() in ("1", "true", "yes", "on")
    root = (params.get("root") or "").strip() or None
    return ChartRequest(levels, root, direction, detail, expand), errors


def _levels(plan: Plan, root: str | None) -> list[int]:
    """HR seats at each level below ``root`` (the whole tree when None); the first entry is the root."""
    graph = plan.graph
    start = root if root is not None and root in graph else plan.root.id
    counts: list[int] = []
    frontier = [start]
    while frontier:
        counts.append(len(frontier))
        frontier = [child for node in frontier for child in graph.successors(node)]
    if start == plan.root.id and plan.root.family == "executive":
        counts[0] -= 1
    return counts


class Busy(Exception):
    """Every worker for heavy work is busy and its queue full: the request is answered 503."""

    def __init__(self, retry_after: int):
        super().__init__(f"busy; try again in {retry_after} s")
        self.retry_after = retry_after


class HeavyWork:
    """Heavy work (charts, roadmaps, workbooks, large plans and uploaded teams) in a bounded pool.

    At most ``workers`` jobs run at once, in threads of their own, and at most ``queue``
    more wait; a request past them is refused at once with :class:`Busy` (503 with
    Retry-After) instead of waiting for minutes or growing memory without end. Cheap pages
    never wait for this pool: they run in Starlette's own threads.

    Only the event loop calls :meth:`run`, so the count needs no lock.
    """

    def __init__(self, workers: int, queue: int, retry_after: int = 5):
        import anyio

        self.workers, self.queue, self.retry_after = workers, queue, retry_after
        self._limiter = anyio.CapacityLimiter(workers)
        self.admitted = 0  # running and waiting

    async def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in one of the pool's threads, once one is free; :class:`Busy` when the queue is full."""
        import anyio.to_thread

        if self.admitted >= self.workers + self.queue:
            raise Busy(self.retry_after)
        self.admitted += 1
        try:
            return await anyio.to_thread.run_sync(fn, *args, limiter=self._limiter)
        finally:
            self.admitted -= 1


def fit_chart(
    plan: Plan, request: ChartRequest, limit: int, widest: int | None = None
) -> tuple[ChartRequest, str | None]:
    """The request, folded to at most ``limit`` seats drawn; and a sentence saying what was folded (or None).

    A folded chart keeps as many levels as fit, with at most ``widest`` seats side by side
    on any level, so the overview stays readable on a page.

    >>> from orgplan import plan, profile_from_dict
    >>> big = plan(profile_from_dict({"employees": 60000, "countries": 28, "business_units": 9}))
    >>> folded, note = fit_chart(big, ChartRequest(), 400, widest=16)
    >>> folded.levels, note.startswith(f"The top {folded.levels} levels")
    (3, True)
    """
    notes = []
    levels_now = _levels(plan, request.root)
    if request.levels is not None:
        levels_now = levels_now[: request.levels]
    total = sum(levels_now)
    expand = request.expand
    if expand and total > EXPAND_SEATS:
        expand = False
        notes.append("Identical seats stay grouped: drawing each seat of a team this large is left to the workbook.")
    levels = request.levels
    if total > limit:
        levels = len(levels_now)
        while levels > 2 and (
            sum(levels_now[:levels]) > limit or (widest is not None and max(levels_now[:levels]) > widest)
        ):
            levels -= 1
        below = "" if request.root is None else " in this branch"
        notes.insert(
            0,
            f"The top {levels} levels of {total:,} HR seats{below}; each folded box says how many seats sit below it.",
        )
    folded = ChartRequest(levels, request.root, request.direction, request.detail, expand)
    return folded, " ".join(notes) or None


def branches(plan: Plan, root: str | None = None, most: int = 24) -> list[tuple[str, str, int]]:
    """The teams below the first seat (from ``root``) that has several: (seat id, title, HR seats in the branch).

    These are the branches a leader can open one at a time when the whole chart is folded.
    """
    import networkx as nx

    graph = plan.graph
    node = root if root is not None and root in graph else plan.root.id
    while graph.out_degree(node) == 1:
        node = next(iter(graph.successors(node)))
    out = []
    for child in graph.successors(node):
        size = len(nx.descendants(graph, child)) + 1
        if size > 1:
            out.append((child, str(graph.nodes[child].get("title", child)), size))
    return sorted(out, key=lambda b: -b[2])[:most]


def chart_bytes(plan: Plan, suffix: str, request: ChartRequest, **extra: Any) -> bytes:
    """The org chart as .svg, .png, .pdf or .pptx bytes (``extra``: more render options, e.g. ``marks``)."""
    from orgplan.outputs.charts.org_chart import render_chart

    with tempfile.TemporaryDirectory(prefix="orgplan-web-") as tmp:
        path = Path(tmp) / f"chart{suffix}"
        with DRAW_LOCK:
            render_chart(plan, path, **request.options(), **extra)
        return path.read_bytes()


def inline_svg(data: bytes, label: str) -> str:
    """SVG bytes as markup to put in a page: no XML prolog, sized in pixels with its aspect ratio, labelled.

    >>> svg = inline_svg(b'<?xml version="1.0"?><svg width="72pt" height="36pt" viewBox="0 0 72 36"></svg>', "A chart")
    >>> head, _, rest = svg.partition(" style=")
    >>> head
    '<svg role="img" aria-label="A chart" width="96" height="48"'
    >>> rest
    '"aspect-ratio: 96 / 48; --w: 96px" viewBox="0 0 72 36"></svg>'
    """
    import html
    import re

    text = data.decode("utf-8")
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    head_end = text.find(">")
    head, rest = text[:head_end], text[head_end:]
    size = {}
    for name in ("width", "height"):
        found = re.search(rf'\s{name}="([\d.]+)(pt|px)?"', head)
        if found:
            value = float(found.group(1)) * (4 / 3 if found.group(2) == "pt" else 1)
            size[name] = round(value)
            head = head.replace(found.group(0), "", 1)
    sized = ""
    if len(size) == 2:
        sized = (
            f' width="{size["width"]}" height="{size["height"]}" style="aspect-ratio: {size["width"]} / '
            f'{size["height"]}; --w: {size["width"]}px"'
        )
    head = head.replace("<svg", f'<svg role="img" aria-label="{html.escape(label)}"{sized}', 1)
    return head + rest


def jobs_zip_bytes(plan: Plan) -> bytes:
    """Every job description of ``plan`` as Markdown and Word, with the index, in one zip file (folder ``jobs/``)."""
    import io
    import zipfile

    from orgplan.outputs.jobs import job_files

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in job_files(plan).items():
            archive.writestr(
                zipfile.ZipInfo(f"jobs/{name}", date_time=(2020, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED
            )
    return out.getvalue()


def workbook_bytes(plan: Plan, comparison: Comparison | None = None, marks: Mapping[str, str] | None = None) -> bytes:
    """The staffing plan workbook (with the Gap sheets when ``comparison`` is given) as bytes.

    The chart sheet shows the chart the page shows: folded to the top levels for very
    large plans. The chart is drawn first, under the drawing lock; the workbook after it.
    """
    from orgplan.errors import OptionError
    from orgplan.outputs.workbook.staffing import export_excel

    with tempfile.TemporaryDirectory(prefix="orgplan-web-") as tmp:
        png = Path(tmp) / "chart.png"
        folded, _ = fit_chart(plan, ChartRequest(), FULL_CHART_SEATS, FULL_CHART_WIDEST)
        extra = {"marks": dict(marks)} if marks else {}
        from orgplan.outputs.charts.org_chart import render_chart

        with DRAW_LOCK:
            try:
                render_chart(plan, png, dpi=110, **folded.options(), **extra)
            except OptionError:  # too wide for one sharp picture: the top three levels
                render_chart(plan, png, dpi=110, **ChartRequest(levels=3).options(), **extra)
        path = Path(tmp) / "staffing-plan.xlsx"
        export_excel(plan, path, chart=png, comparison=comparison)
        return path.read_bytes()


def roadmap_chart_bytes(r: Roadmap, suffix: str) -> bytes:
    """The roadmap chart as .svg, .png or .pdf bytes."""
    from orgplan.outputs.charts.roadmap import render_roadmap

    with tempfile.TemporaryDirectory(prefix="orgplan-web-") as tmp:
        path = Path(tmp) / f"roadmap{suffix}"
        with DRAW_LOCK:
            render_roadmap(r, path)
        return path.read_bytes()


def roadmap_workbook_bytes(r: Roadmap) -> bytes:
    """``roadmap.xlsx``: the sizes with their totals, and the milestones."""
    from orgplan.outputs.folder import roadmap_tables
    from orgplan.outputs.workbook.tables import write_tables

    with tempfile.TemporaryDirectory(prefix="orgplan-web-") as tmp:
        path = Path(tmp) / "roadmap.xlsx"
        write_tables(path, roadmap_tables(r))
        return path.read_bytes()


class TeamStore:
    """Uploaded team files held in memory while the server runs, so a comparison is a link.

    Each visitor (a browser, known by its cookie) has its own ``per_visitor`` slots: a new
    upload past them lets go of that visitor's oldest, never another's. The store holds
    at most ``total`` bytes; past it the visitor holding the most bytes lets go of its
    oldest file first. A file is named by a hash of its content, and anyone with the link
    may read it while it is held.

    >>> store = TeamStore(per_visitor=2)
    >>> key = store.put("team.csv", b"id,title,reports to\\n", visitor="ana")
    >>> store.get(key)[0]
    'team.csv'
    >>> for n in range(5):
    ...     _ = store.put(f"other{n}.csv", b"%d" % n, visitor="bob")
    >>> store.get(key)[0], store.get("nope")
    ('team.csv', None)
    """

    def __init__(self, per_visitor: int = 8, total: int = 64 * 1024 * 1024, visitors: int = 1000):
        self._files: dict[str, tuple[str, bytes]] = {}
        self._owners: dict[str, set[str]] = {}
        self._slots: OrderedDict[str, OrderedDict[str, None]] = OrderedDict()  # visitor -> its keys, oldest first
        self._bytes = 0
        self._per_visitor, self._total, self._visitors = per_visitor, total, visitors
        self._lock = threading.Lock()

    def put(self, name: str, data: bytes, visitor: str = "") -> str:
        """Hold ``data`` for ``visitor``; the key that names it in links."""
        key = self.key_of(name, data)
        with self._lock:
            if key not in self._files:
                self._files[key] = (name, data)
                self._bytes += len(data)
            self._owners.setdefault(key, set()).add(visitor)
            slots = self._slots.setdefault(visitor, OrderedDict())
            slots[key] = None
            slots.move_to_end(key)
            self._slots.move_to_end(visitor)
            while len(slots) > self._per_visitor:
                self._release(visitor, next(iter(slots)))
            while len(self._slots) > self._visitors:  # the visitor seen longest ago lets go of everything
                gone = next(iter(self._slots))
                for old in list(self._slots[gone]):
                    self._release(gone, old)
            while self._bytes > self._total and len(self._files) > 1:
                biggest = max(self._slots, key=self._held_by)
                self._release(biggest, next(iter(self._slots[biggest])))
        return key

    @staticmethod
    def key_of(name: str, data: bytes) -> str:
        """The key that names a file in links: a hash of its name and content."""
        return hashlib.sha256(name.encode() + b"\0" + data).hexdigest()[:24]

    def _held_by(self, visitor: str) -> int:
        return sum(len(self._files[k][1]) for k in self._slots[visitor])

    def _release(self, visitor: str, key: str) -> None:
        slots = self._slots[visitor]
        slots.pop(key, None)
        if not slots:
            del self._slots[visitor]
        owners = self._owners.get(key, set())
        owners.discard(visitor)
        if not owners:
            self._owners.pop(key, None)
            _, data = self._files.pop(key)
            self._bytes -= len(data)

    def get(self, key: str) -> tuple[str, bytes] | None:
        with self._lock:
            return self._files.get(key)


def read_uploaded_team(name: str, data: bytes, templates: Templates) -> Team:
    """Read an uploaded team file with :func:`orgplan.reading.team.read_team`; errors name the
    upload, not the temporary file."""
    from orgplan.errors import TeamFileError
    from orgplan.reading.team import read_team

    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="orgplan-web-") as tmp:
        path = Path(tmp) / f"team{suffix}"
        path.write_bytes(data)
        try:
            return read_team(path, templates=templates)
        except TeamFileError as exc:
            raise TeamFileError(exc.message, path=name, where=exc.where) from None


def cached(
    cache: OrderedDict[Any, bytes],
    lock: threading.Lock,
    key: Any,
    make: Callable[[], bytes],
    limit: int = 48,
    total: int = 96 * 1024 * 1024,
) -> bytes:
    """``make()``'s bytes, remembered under ``key`` among the latest ``limit`` results (at most ``total`` bytes)."""
    with lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    data = make()
    with lock:
        cache[key] = data
        while len(cache) > limit or (len(cache) > 1 and sum(len(v) for v in cache.values()) > total):
            cache.popitem(last=False)
    return data
