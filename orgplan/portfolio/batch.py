"""Planning many companies at once: in this process, in worker processes, or on a Dask cluster.

:func:`plan_many` sends the profiles in batches to any :class:`concurrent.futures.Executor`
- a :class:`~concurrent.futures.ProcessPoolExecutor`, or Dask's ``Client.get_executor()``
- and returns one :class:`CompanyPlan` a profile, in the order given. Workers load the
templates once each and send back plain data (the summary, the head of HR, the seats by
role), never a Plan with its graph, so the results are the same whichever way they run.

>>> from orgplan import profile_from_dict
>>> results = plan_many([profile_from_dict({"company": c, "employees": n}) for c, n in [("Acme", 40), ("Bolt", 900)]])
>>> [(r.company, r.summary["hr_headcount"] > 0) for r in results]
[('Acme', True), ('Bolt', True)]
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgplan.core.forking import one_of_many
from orgplan.core.validation import shown
from orgplan.errors import OptionError, OrgplanError
from orgplan.knowledge.templates import Templates, load_templates, templates_dir
from orgplan.model.profile import Profile, profile_from_dict

__all__ = ["CompanyPlan", "plan_many", "open_executor", "dask_address", "DASK_MISSING"]

DASK_MISSING = "Dask is not installed: pip install 'orgplan[dask]' (from a checkout: pip install -e '.[dask]')"
MAX_BATCH = 200  # companies a task at most, so that a progress bar moves and workers share the load evenly


@dataclass(frozen=True)
class CompanyPlan:
    """What a portfolio keeps of one company's plan: plain data, the same from any executor."""

    company: str
    employees: int
    profile: dict[str, Any]  # the profile with every default filled in
    summary: dict[str, Any]  # as ``Plan.summary``; empty when the company could not be planned
    head_of_hr: str | None = None  # the title of the top HR seat
    roles: dict[str, int] = field(default_factory=dict)  # role key -> seats, in the plan's order
    error: str | None = None  # why planning failed, in the CLI's words
    files: tuple[str, ...] = ()  # the plan's own files, when they were written

    def to_dict(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "employees": self.employees,
            "head_of_hr": self.head_of_hr,
            "summary": self.summary,
            "seats_by_role": self.roles,
            "profile": self.profile,
            **({"error": self.error} if self.error else {}),
        }


def plan_many(
    profiles: Sequence[Profile | dict[str, Any]],
    executor: Executor | None = None,
    batch_size: int | None = None,
    *,
    templates: Templates | None = None,
    folders: Sequence[str | os.PathLike[str] | None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[CompanyPlan]:
    """Plan every profile; return a :class:`CompanyPlan` each, in the order given.

    ``executor`` None plans in this process; otherwise batches of ``batch_size``
    companies (by default a quarter of an even share per worker, at most 200) go to the
    executor. ``folders`` (one a profile, or None) get each plan's own files, as
    ``orgplan plan --out`` writes them. ``progress`` is called with the number of
    companies in each finished batch. A mapping is read as ``profile_from_dict`` reads
    it (and raises :class:`~orgplan.errors.ProfileError` when it is broken); a company
    the rules cannot plan gets its ``error`` instead of a summary.
    """
    t = templates or load_templates()
    items = [
        (p if isinstance(p, Profile) else profile_from_dict(p, templates=t), str(f) if f is not None else None)
        for p, f in zip(profiles, folders if folders is not None else [None] * len(profiles), strict=True)
    ]
    where = _template_paths(t)
    if executor is None:
        out = []
        for item in items:
            out.append(_plan_one(*item, t))
            if progress is not None:
                progress(1)
        return out
    size = batch_size or max(1, min(MAX_BATCH, math.ceil(len(items) / (_slots(executor) * 4))))
    batches = [items[i : i + size] for i in range(0, len(items), size)]
    futures = {executor.submit(plan_batch, batch, *where): i for i, batch in enumerate(batches)}
    done: dict[int, list[CompanyPlan]] = {}
    for future in as_completed(futures):
        i = futures[future]
        done[i] = future.result()
        if progress is not None:
            progress(len(batches[i]))
    return [result for i in range(len(batches)) for result in done[i]]


def _template_paths(t: Templates) -> tuple[str | None, str | None]:
    """Where a worker finds the templates: None for the bundled ones, which workers on other
    machines have at their own paths."""
    bundled = templates_dir().resolve()
    if Path(t.directory) == bundled and Path(t.rules.path).resolve() == bundled / "rules.yaml":
        return None, None
    return t.directory, str(t.rules.path)


def plan_batch(
    items: Sequence[tuple[Profile, str | None]], directory: str | None, rules: str | None
) -> list[CompanyPlan]:
    """Plan one batch in a worker; the templates are loaded once a process (``load_templates`` keeps them)."""
    t = load_templates(directory, rules)
    return [_plan_one(profile, folder, t) for profile, folder in items]


def _plan_one(profile: Profile, folder: str | None, t: Templates) -> CompanyPlan:
    from orgplan.planning.planner import plan

    company, employees, data = profile.company, profile.employees, profile.to_dict()
    try:
        result = plan(profile, templates=t)
    except OrgplanError as exc:
        return CompanyPlan(company, employees, data, summary={}, error=str(exc))
    hr = result.hr_seats
    files: tuple[str, ...] = ()
    if folder is not None:
        from orgplan.outputs.folder import write_outputs

        try:
            files = tuple(str(p) for p in write_outputs(result, folder))
        except OSError as exc:
            return CompanyPlan(
                company,
                employees,
                data,
                summary=result.summary,
                error=f"{folder}: cannot write the plan's files: {exc.strerror or exc}",
            )
        except OrgplanError as exc:  # the folder is not orgplan's to replace: this company's error, not the batch's
            return CompanyPlan(company, employees, data, summary=result.summary, error=str(exc))
    return CompanyPlan(
        company,
        employees,
        data,
        summary=result.summary,
        head_of_hr=hr[0].title if hr else None,
        roles=dict(Counter(p.role for p in hr)),
        files=files,
    )


def _slots(executor: Executor) -> int:
    """How many tasks the executor runs at once: its workers, or a Dask cluster's threads."""
    workers = getattr(executor, "_max_workers", None)
    if workers:
        return int(workers)
    client = getattr(executor, "_client", None)  # Dask's ClientExecutor
    if client is not None:
        with contextlib.suppress(Exception):
            return max(1, sum(client.nthreads().values()))
    return os.cpu_count() or 1


# A Dask scheduler's address: an optional protocol, a host name or address, and a port.
_DASK_ADDRESS = re.compile(
    r"(?:(?:tcp|tls|ws|wss|ucx)://)?(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)"
    r":(?P<port>[0-9]{1,5})"
)


def dask_address(text: str | None) -> str | None:
    """``--dask`` as given when it is ``local`` or a scheduler's address (host and port); else one line saying so.

    >>> dask_address("tcp://10.0.0.5:8786"), dask_address("scheduler:8786"), dask_address("local")
    ('tcp://10.0.0.5:8786', 'scheduler:8786', 'local')
    >>> dask_address("not a url")
    Traceback (most recent call last):
    ...
    orgplan.errors.OptionError: --dask: expected 'local' or a scheduler's address with its port, ..., got 'not a url'
    """
    if text is None or text == "local":
        return text
    match = _DASK_ADDRESS.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group("port")) <= 65535:
        raise OptionError(
            f"expected 'local' or a scheduler's address with its port, such as tcp://10.0.0.5:8786, got {shown(text)}",
            where="--dask",
        )
    return text.strip()


@contextlib.contextmanager
def open_executor(workers: int | None = None, dask: str | None = None) -> Iterator[Executor | None]:
    """The executor ``--workers`` and ``--dask`` ask for, shut down afterwards.

    ``dask`` is a scheduler address, or ``local`` to start a cluster of ``workers``
    processes on this machine; without it, ``workers`` processes (default: the number of
    cores), or None (plan in this process) for one worker.
    """
    count = workers or os.cpu_count() or 1
    dask = dask_address(dask)
    if dask is not None:
        with _dask_executor(dask, count) as executor:
            yield executor
        return
    if count == 1:
        yield None
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # forkserver: workers start from a clean process, never a fork of one running threads
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
    if "forkserver" in methods:
        context.set_forkserver_preload(["orgplan.portfolio.batch", "orgplan.planning.planner"])
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=one_of_many)  # cores shared
    try:
        yield pool
    except BaseException:  # Ctrl+C or an error: drop the batches not started rather than wait for them
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


@contextlib.contextmanager
def _dask_executor(address: str, workers: int) -> Iterator[Executor]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise OptionError(DASK_MISSING, where="--dask") from None
    with contextlib.ExitStack() as stack:
        if address == "local":  # its dashboard on a free port: two runs at once do not clash over 8787
            cluster = stack.enter_context(
                LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
            )
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(address, timeout="10s"))
            except (ValueError, TypeError) as exc:  # not an address at all: say what one looks like
                raise OptionError(
                    f"{shown(address)} is not a Dask scheduler address ({_first_line(exc)}); expected one such as "
                    "tcp://10.0.0.5:8786, or 'local'",
                    where="--dask",
                ) from None
            except (OSError, TimeoutError) as exc:
                raise OptionError(
                    f"cannot reach the Dask scheduler at {shown(address)}: {_first_line(exc)}", where="--dask"
                ) from None
        yield client.get_executor(pure=False)


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's text, at most 200 characters: never a traceback in a message."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return text if len(text) <= 200 else text[:200] + "..."


def company_folders(names: Sequence[str], out_dir: str | os.PathLike[str]) -> list[Path]:
    """A folder for each company under ``out_dir``, named after it, safe and unique (see :func:`slug`)."""
    taken: set[str] = set()
    out = []
    for name in names:
        base = slug(name)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        out.append(Path(out_dir) / candidate)
    return out


def slug(name: str) -> str:
    """A folder name for a company: lower-case letters, digits and dashes, never empty, never hidden.

    >>> slug("Müller & Söhne GmbH"), slug("../etc/passwd"), slug("=HYPERLINK(1)"), slug("..."), slug("CON")
    ('muller-sohne-gmbh', 'etc-passwd', 'hyperlink-1', 'company', 'con-company')
    """
    import unicodedata

    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    out = "".join(c if c.isalnum() else "-" for c in text)
    out = "-".join(part for part in out.split("-") if part)[:60].strip("-")
    if out in _RESERVED:
        out += "-company"
    return out or "company"


_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}  # names Windows refuses
