"""Reading input files within orgplan's limits, and writing outputs whole or not at all.

Inputs: only regular files are read (a named pipe, a device or a folder is refused before
reading), never more than the limit of ``templates/limits.yaml``, and YAML and JSON are
checked as they are parsed: nesting, aliases, duplicate keys, YAML 1.1 surprises, text and
number sizes. Outputs: a file appears only when complete (:func:`atomic_path`), a folder of
outputs is replaced as a whole (:func:`atomic_folder`), both with the permissions the umask
gives, and temporary files of runs that were killed are swept up by the next run.
"""

from __future__ import annotations

import contextlib
import datetime
import errno
import json
import math
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from orgplan.core.limits import Limit, limit
from orgplan.core.validation import place, shown
from orgplan.errors import OrgplanError, OutputError

__all__ = [
    "reason",
    "read_bytes",
    "read_data_file",
    "load_yaml_text",
    "key_lines",
    "atomic_path",
    "atomic_write_text",
    "atomic_folder",
    "file_mode",
    "FIXED_STAMP",
    "output_time",
    "stable_zip",
]


# ---------------------------------------------------------------- reading


def read_bytes(path: str | os.PathLike[str], error: type[OrgplanError], most: Limit) -> bytes:
    """The bytes of the regular file ``path``, refusing anything else or anything over ``most`` bytes.

    A named pipe, a device or a folder is refused before a byte is read, so none can hang
    or exhaust memory; a file that grows while read is refused at the limit.
    """
    p = Path(path)
    if not str(path):
        raise error("expected a file name, got an empty one")
    try:
        fd = os.open(
            p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
        )
    except FileNotFoundError:
        raise error("file not found", path=p) from None
    except ValueError:
        raise error("not a valid file name (it holds a NUL character)", path=shown(str(path))) from None
    except OSError as exc:
        raise error(f"cannot read: {reason(exc)}", path=p) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{_kind_of(info.st_mode)}, not a file; orgplan reads only regular files", path=p)
        if info.st_size > most.value:
            raise error(f"is {info.st_size:,} bytes, more than orgplan reads: {most.describe()}", path=p)
        chunks, left = [], int(most.value) + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise error(f"cannot read: {reason(exc)}", path=p) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > most.value:
        raise error(f"is larger than orgplan reads: {most.describe()}", path=p)
    return data


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device"
    return "is not a regular file"


def reason(exc: OSError) -> str:
    """What went wrong, as the system says it: 'permission denied', 'no space left on device'."""
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def read_data_file(path: str | os.PathLike[str], error: type[OrgplanError]) -> Any:
    """Load a YAML or JSON file within the data-file limits; raise ``error`` naming the file and place.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.yaml"
    >>> _ = f.write_text("employees: 1:30\\n")
    >>> try:
    ...     read_data_file(f, OrgplanError)
    ... except OrgplanError as e:
    ...     print(e.where, e.message, sep="\\n")
    line 1, column 12
    '1:30' is a base-60 number in YAML 1.1 (90); write the number, or quote it as text
    """
    p = Path(path)
    data = read_bytes(p, error, limit("data_files.file_bytes"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error("not a text file (expected UTF-8 YAML or JSON)", path=p) from None
    if p.suffix.lower() == ".json":
        return _load_json(text, error, p)
    return load_yaml_text(text, error, p)


def load_yaml_text(
    text: str,
    error: type[OrgplanError],
    path: object = None,
    *,
    where: str | None = None,
    syntax_errors_as_text: bool = False,
) -> Any:
    """Parse YAML ``text`` within the data-file limits; ``where`` names it when there is no file (``--set``).

    With ``syntax_errors_as_text``, text that is not valid YAML is returned as it is
    (a value like ``[1`` is text); the limits still apply.

    >>> load_yaml_text("functions: [payroll, benefits]", OrgplanError)
    {'functions': ['payroll', 'benefits']}
    >>> load_yaml_text("a: 1\\na: 2", OrgplanError)
    Traceback (most recent call last):
    ...
    orgplan.errors.OrgplanError: line 2, column 1: duplicate key 'a' (first on line 1); each key may appear once
    """
    import yaml

    if len(text) > limit("data_files.file_bytes").value:
        raise error(
            f"is longer than orgplan reads: {limit('data_files.file_bytes').describe()}", path=path, where=where
        )
    try:
        data = _compose(_loader_class(), text, error, path, where)
    except yaml.YAMLError:
        # The C parser may stop a document before orgplan's own checks see it (libyaml 0.2.6 refuses
        # deep nesting itself, in its own words). The pure-Python parser reads lazily and sets no limits
        # of its own, so orgplan's checks speak first and its messages do not change with libyaml.
        try:
            data = _compose(_loader_class(pure=True), text, error, path, where)
        except yaml.YAMLError as exc:
            if syntax_errors_as_text:
                return text
            at = _at(getattr(exc, "problem_mark", None), where)
            problem = getattr(exc, "problem", None) or "invalid YAML"
            raise error(f"YAML syntax error: {problem}", path=path, where=_join(where, at)) from None
    _check_values(data, error, path, where)
    return data


def key_lines(path: str | os.PathLike[str], most: int = 20_000) -> dict[str, int]:
    """The line each place of a YAML or JSON data file starts on: ``{'employees': 2, 'countries[1].name': 5, ...}``.

    For naming the lines of several mistakes at once; a file that cannot be read gives ``{}``.

    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "p.yaml"
    >>> _ = f.write_text("employees: 10\\ncountries:\\n  - {name: A, employees: 10}\\n")
    >>> key_lines(f)
    {'employees': 1, 'countries': 2, 'countries[1]': 3, 'countries[1].name': 3, 'countries[1].employees': 3}
    """
    try:
        text = read_bytes(Path(path), OrgplanError, limit("data_files.file_bytes")).decode("utf-8-sig")
        loader = _loader_class()(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except Exception:  # noqa: BLE001 - line numbers are a help; the mistakes themselves were found already
        return {}
    lines: dict[str, int] = {}

    def walk(node: Any, at: tuple[Any, ...]) -> None:
        if len(lines) >= most or len(at) > 4:
            return
        items: list[tuple[Any, Any, Any]] = []
        if node.id == "mapping":
            items = [(k.value, k, v) for k, v in node.value if k.id == "scalar"]
        elif node.id == "sequence":
            items = [(i, v, v) for i, v in enumerate(node.value)]
        for step, mark_node, value in items:
            name = place((*at, step))
            if name is not None and name not in lines:
                lines[name] = mark_node.start_mark.line + 1
            walk(value, (*at, step))

    if root is not None:
        walk(root, ())
    return lines


def _compose(loader_class: type, text: str, error: type[OrgplanError], path: object, where: str | None) -> Any:
    """One document read by ``loader_class``, reporting as ``error`` for ``path``."""
    loader = loader_class(text)
    loader.orgplan_error, loader.orgplan_path, loader.orgplan_where = error, path, where
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _at(mark: Any, where: str | None) -> str | None:
    """'line 3, column 5' for a file; nothing for a one-line value named by ``where`` (``--set``)."""
    if mark is None or (where is not None and mark.line == 0):
        return None
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _join(*parts: str | None) -> str | None:
    return ", ".join(p for p in parts if p) or None


def _load_json(text: str, error: type[OrgplanError], path: Path) -> Any:
    digits = limit("data_files.number_chars")

    def number(kind: type) -> Any:
        def parse(token: str) -> Any:
            if len(token) > digits.value:
                raise error(
                    f"a number of {len(token):,} characters; numbers may have at most {digits.describe()}", path=path
                )
            number = kind(token)
            if not math.isfinite(number):
                raise error(f"{shown(token)} is beyond the largest number there is; numbers must be finite", path=path)
            return number

        return parse

    def constant(token: str) -> Any:
        raise error(f"{token} is not a number orgplan accepts; numbers must be finite", path=path)

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise error(f"duplicate key {shown(key)} in one object; each key may appear once", path=path)
            out[key] = value
        return out

    try:
        data = json.loads(
            text, object_pairs_hook=mapping, parse_int=number(int), parse_float=number(float), parse_constant=constant
        )
    except json.JSONDecodeError as exc:
        raise error(
            f"JSON syntax error: {exc.msg}", path=path, where=f"line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise error(
            f"nests deeper than orgplan reads: {limit('data_files.nesting_depth').describe()}", path=path
        ) from None
    _check_values(data, error, path, None)
    return data


def _check_values(data: Any, error: type[OrgplanError], path: object, where: str | None) -> None:
    """Walk parsed data once: depth, sizes, finite numbers and text that is valid Unicode."""
    depth_limit, values, items, keys, chars, magnitude = (
        limit(f"data_files.{n}")
        for n in ("nesting_depth", "expanded_values", "list_items", "mapping_keys", "text_chars", "number_magnitude")
    )
    seen = 0

    def refuse(message: str, at: tuple[Any, ...]) -> OrgplanError:
        return error(message, path=path, where=_join(where, place(at)))

    def visit(value: Any, at: tuple[Any, ...]) -> None:
        nonlocal seen
        seen += 1
        if seen > values.value:
            raise refuse(f"holds more values than orgplan reads: {values.describe()}", at)
        if len(at) >= depth_limit.value:
            raise refuse(f"nests deeper than orgplan reads: {depth_limit.describe()}", at)
        if isinstance(value, str):
            if len(value) > chars.value:
                raise refuse(f"text of {len(value):,} characters; text may have at most {chars.describe()}", at)
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError as exc:
                    raise refuse(
                        f"text with a character that is not valid Unicode (U+{ord(value[exc.start]):04X}, "
                        f"half of a surrogate pair) at position {exc.start + 1}",
                        at,
                    ) from None
        elif isinstance(value, bool) or value is None:
            return
        elif isinstance(value, (int, float)):
            if not math.isfinite(value):
                raise refuse(f"{value} is not a number orgplan accepts; numbers must be finite", at)
            if abs(value) > magnitude.value:
                raise refuse(
                    f"{shown(value)} is larger than orgplan reads: at most {magnitude.shown} either way "
                    f"(limit {magnitude.name})",
                    at,
                )
        elif isinstance(value, dict):
            if len(value) > keys.value:
                raise refuse(f"a mapping of {len(value):,} keys; mappings may have at most {keys.describe()}", at)
            for key, item in value.items():
                visit(key, at)
                visit(item, (*at, key))
        elif isinstance(value, list):
            if len(value) > items.value:
                raise refuse(f"a list of {len(value):,} items; lists may have at most {items.describe()}", at)
            for i, item in enumerate(value):
                visit(item, (*at, i))

    visit(data, ())


# Plain YAML 1.1 scalars that mean something else than they seem.
_BASE_60 = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?")
_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_WORD_BOOLEANS = {"yes": True, "no": False, "on": True, "off": False}


def _loader_class(*, pure: bool = False) -> type:
    """A YAML loader composing nodes with orgplan's checks: on the C parser where present, unless ``pure``."""
    if pure not in _LOADERS:
        import yaml

        _LOADERS[pure] = _make_loader(yaml.SafeLoader if pure else getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return _LOADERS[pure]


_LOADERS: dict[bool, type] = {}


def _make_loader(base: type) -> type:
    import yaml
    from yaml.composer import Composer
    from yaml.events import AliasEvent

    # The C parser composes in C: orgplan's Composer goes first so that its checks run.
    bases = (base,) if issubclass(base, Composer) else (Composer, base)

    class CheckedLoader(*bases):  # type: ignore[misc]
        """Composes YAML nodes itself (the C parser still scans and parses), checking limits as it goes."""

        orgplan_error: type[OrgplanError] = OrgplanError
        orgplan_path: object = None
        orgplan_where: str | None = None

        def __init__(self, stream: str):
            base.__init__(self, stream)  # type: ignore[misc]
            self.anchors: dict[str, Any] = {}
            self._sizes: dict[str, int] = {}
            self._count = 0
            self._depth = 0
            self._limits = {
                n: limit(f"data_files.{n}").value
                for n in (
                    "nesting_depth",
                    "expanded_values",
                    "list_items",
                    "mapping_keys",
                    "text_chars",
                    "number_chars",
                )
            }

        def orgplan_refuse(self, message: str, mark: Any) -> OrgplanError:
            at = _at(mark, self.orgplan_where)
            return self.orgplan_error(message, path=self.orgplan_path, where=_join(self.orgplan_where, at))

        def orgplan_grow(self, size: int, event: Any) -> None:
            self._count += size
            if self._count > self._limits["expanded_values"]:
                what = (
                    f"with what the alias *{shown(event.anchor)[1:-1]} repeats, the document holds"
                    if isinstance(event, AliasEvent)
                    else "the document holds"
                )
                raise self.orgplan_refuse(
                    f"{what} more values than orgplan reads: {limit('data_files.expanded_values').describe()}",
                    event.start_mark,
                )

        def compose_node(self, parent: Any, index: Any) -> Any:
            event = self.peek_event()
            if isinstance(event, AliasEvent) and event.anchor is not None:  # the parser names every alias's anchor
                if event.anchor in self.anchors and event.anchor not in self._sizes:
                    raise self.orgplan_refuse(
                        f"the alias *{shown(event.anchor)[1:-1]} repeats the anchor it is inside; an "
                        "anchor cannot contain itself",
                        event.start_mark,
                    )
                self.orgplan_grow(self._sizes.get(event.anchor, 0), event)
                return super().compose_node(parent, index)
            self._depth += 1
            if self._depth > self._limits["nesting_depth"]:
                raise self.orgplan_refuse(
                    f"nests deeper than orgplan reads: {limit('data_files.nesting_depth').describe()}", event.start_mark
                )
            before = self._count
            self.orgplan_grow(1, event)
            node = super().compose_node(parent, index)
            self._depth -= 1
            if event.anchor is not None:
                self._sizes[event.anchor] = self._count - before
            return node

        def compose_scalar_node(self, anchor: Any) -> Any:
            event = self.peek_event()
            if len(event.value) > self._limits["text_chars"]:
                raise self.orgplan_refuse(
                    f"text of {len(event.value):,} characters; text may have at most "
                    f"{limit('data_files.text_chars').describe()}",
                    event.start_mark,
                )
            node = super().compose_scalar_node(anchor)
            if event.implicit[0]:  # plain: its type came from how it looks
                self.orgplan_check_plain(node)
            return node

        def orgplan_check_plain(self, node: Any) -> None:
            value, kind = node.value, node.tag.rpartition(":")[2]
            if kind in ("int", "float"):
                if _BASE_60.fullmatch(value):
                    sixty = self.construct_object(node)
                    raise self.orgplan_refuse(
                        f"'{value}' is a base-60 number in YAML 1.1 ({sixty:g}); write the number, or quote it as text",
                        node.start_mark,
                    )
                if kind == "int" and value.lstrip("+-")[:2].lower() in ("0x", "0b"):
                    base = "hexadecimal" if value.lstrip("+-")[1] in "xX" else "binary"
                    raise self.orgplan_refuse(
                        f"'{value}' is a {base} number in YAML 1.1 ({self.construct_object(node)}); write the "
                        "number in decimal, or quote it as text",
                        node.start_mark,
                    )
                if kind == "int" and _OCTAL.fullmatch(value) and value.strip("+-0_"):
                    raise self.orgplan_refuse(
                        f"'{value}' starts with 0, which YAML 1.1 reads as an octal number "
                        f"({self.construct_object(node)}); drop the leading zeros, or quote it as text",
                        node.start_mark,
                    )
                if len(value) > self._limits["number_chars"]:
                    raise self.orgplan_refuse(
                        f"a number of {len(value):,} characters; numbers may have at most "
                        f"{limit('data_files.number_chars').describe()}",
                        node.start_mark,
                    )
            elif kind == "bool" and value.lower() in _WORD_BOOLEANS:
                flag = str(_WORD_BOOLEANS[value.lower()]).lower()
                raise self.orgplan_refuse(
                    f"'{value}' means {flag} in YAML 1.1 but reads as a word elsewhere; write {flag}, or "
                    f'quote it ("{value}") as text',
                    node.start_mark,
                )

        def compose_sequence_node(self, anchor: Any) -> Any:
            node = super().compose_sequence_node(anchor)
            if len(node.value) > self._limits["list_items"]:
                raise self.orgplan_refuse(
                    f"a list of {len(node.value):,} items; lists may have at most "
                    f"{limit('data_files.list_items').describe()}",
                    node.start_mark,
                )
            return node

        def compose_mapping_node(self, anchor: Any) -> Any:
            node = super().compose_mapping_node(anchor)
            if len(node.value) > self._limits["mapping_keys"]:
                raise self.orgplan_refuse(
                    f"a mapping of {len(node.value):,} keys; mappings may have at most "
                    f"{limit('data_files.mapping_keys').describe()}",
                    node.start_mark,
                )
            first: dict[tuple[str, str], Any] = {}
            for key, _ in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise self.orgplan_refuse(
                        "a key that is a list or mapping; keys must be plain text or numbers", key.start_mark
                    )
                seen = first.setdefault((key.tag, key.value), key)
                if seen is not key:
                    raise self.orgplan_refuse(
                        f"duplicate key {shown(key.value)} (first on line {seen.start_mark.line + 1}); "
                        "each key may appear once",
                        key.start_mark,
                    )
            return node

    return CheckedLoader


# ---------------------------------------------------------------- writing

FIXED_STAMP = 1767225600  # 2026-01-01 00:00 UTC: the time every output carries unless SOURCE_DATE_EPOCH says another


def output_time() -> datetime.datetime:
    """The creation time written into workbooks, Word files, SVGs and PDFs (UTC): the same input gives the same bytes.

    SOURCE_DATE_EPOCH (seconds since 1970, as reproducible builds set it) when it is a whole
    number, else FIXED_STAMP: never the time of the run.

    >>> "SOURCE_DATE_EPOCH" in os.environ or output_time().isoformat() == "2026-01-01T00:00:00+00:00"
    True
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    seconds = int(epoch) if epoch.isascii() and epoch.isdigit() and len(epoch) <= 11 else FIXED_STAMP
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)


def stable_zip(data: bytes) -> bytes:
    """A zip file (such as a .docx) again, its members in the same order with the time of :func:`output_time`."""
    import io
    import zipfile

    stamp = output_time()
    when = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(item))
    return out.getvalue()


# Temporary files and folders orgplan writes beside its outputs: .orgplan-<pid>-<random>.tmp[.ext]
_TEMP = re.compile(r"\.orgplan-(\d+)-[A-Za-z0-9_]+\.tmp(\.[A-Za-z0-9]+)?")


def _temp_prefix() -> str:
    return f".orgplan-{os.getpid()}-"


def file_mode(*, folder: bool = False) -> int:
    """The permissions a new file (or folder) gets under the current umask: 0o644 (0o755) under umask 022."""
    mask = _umask()
    return (0o777 if folder else 0o666) & ~mask


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # the portable way to read it is to set it and set it back
    os.umask(mask)
    return mask


def _sweep(folder: Path, own: Collection[str] = ()) -> None:
    """Remove temporary files and folders left in ``folder`` by orgplan runs that no longer exist."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(".orgplan-")]
    except OSError:
        return
    for name in names:
        match = _TEMP.fullmatch(name)
        if match is None or _alive(int(match.group(1))):
            continue
        _remove(folder / name, own)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True


def _remove(path: Path, own: Collection[str]) -> None:
    """Delete a temporary file, or a temporary folder holding only orgplan's files; leave anything else."""
    try:
        if path.is_dir() and not path.is_symlink():
            for child in path.iterdir():
                if child.is_dir() and not child.is_symlink() and child.name in own:
                    shutil.rmtree(child)  # an output folder of orgplan's own (jobs/)
                elif child.name in own or _TEMP.fullmatch(child.name):
                    child.unlink()
            path.rmdir()
        else:
            path.unlink()
    except OSError:
        pass


def _output_error(exc: OSError, target: Path, staging: Path | None = None) -> OutputError:
    """An OSError while writing, as one line naming the path the user asked for."""
    name = exc.filename
    shown_path: object = target
    if name is not None:
        p = Path(os.fsdecode(name))
        if staging is not None and staging in (p, *p.parents):
            shown_path = target / p.relative_to(staging) if p != staging else target
        elif not _TEMP.fullmatch(p.name):
            shown_path = p
    return OutputError(f"cannot write: {reason(exc)}", path=shown_path)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only on success.

    The file gets the permissions the umask gives (0644 under umask 022). Failures to
    write become an :class:`~orgplan.errors.OutputError` naming ``path``.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text(), oct(target.stat().st_mode & 0o777) == oct(file_mode())
    ('done', True)
    """
    target = Path(path)
    if not str(path):
        raise OutputError("expected a file name, got an empty one")
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=file_mode(folder=True))
        _sweep(target.parent)
        fd, tmp_name = tempfile.mkstemp(prefix=_temp_prefix(), suffix=".tmp" + target.suffix[:16], dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise _output_error(exc, target) from None
    tmp = Path(tmp_name)
    try:
        try:
            yield tmp
            os.chmod(tmp, file_mode())
            os.replace(tmp, target)
        except OSError as exc:
            raise _output_error(exc, target) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` through a temporary file and a rename.

    Characters UTF-8 cannot hold (halves of surrogate pairs) are written as U+FFFD.
    """
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8", errors="replace")
    return Path(path)


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike[str], own: Collection[str]) -> Iterator[Path]:
    """Yield an empty folder beside ``path``; on success it replaces ``path`` as a whole.

    So ``path`` always holds every file of one run: the new run's after the swap, the
    previous run's before it, whatever happens in between (an error, Ctrl-C, a kill, a
    second run writing the same folder). An existing ``path`` may hold only files named in
    ``own`` (orgplan's outputs), since the whole folder is replaced.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> with atomic_folder(out, own={"a.txt"}) as staging:
    ...     _ = (staging / "a.txt").write_text("new")
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt']
    """
    if not str(path):
        raise OutputError("expected a folder name, got an empty one")
    target = Path(os.path.realpath(path))
    _check_replaceable(target, own, Path(path))
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True, mode=file_mode(folder=True))
        _sweep(parent, own)
        staging = Path(tempfile.mkdtemp(prefix=_temp_prefix(), suffix=".tmp", dir=parent))
    except OSError as exc:
        raise _output_error(exc, Path(path)) from None
    try:
        try:
            yield staging
            os.chmod(staging, file_mode(folder=True))
            with _locked(parent):
                _check_replaceable(target, own, Path(path))
                _swap(staging, target)
        except OSError as exc:
            raise _output_error(exc, Path(path), staging) from None
        except OutputError as exc:  # a file inside: name it where it was meant to go
            if exc.path is None or staging not in (Path(exc.path), *Path(exc.path).parents):
                raise
            raise OutputError(exc.message, path=Path(path) / Path(exc.path).relative_to(staging)) from None
    finally:
        _remove(staging, own)  # after a swap it holds the previous run's files


def _check_replaceable(target: Path, own: Collection[str], given: Path) -> None:
    """Refuse a target that is not a folder, or whose replacement would lose files orgplan did not write."""
    for folder in (target, *target.parents):
        try:
            is_dir = stat.S_ISDIR(os.stat(folder).st_mode)
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            raise _output_error(exc, given) from None
        if not is_dir:
            where = "is a file" if folder == target else f"is inside {folder}, which is a file"
            raise OutputError(f"{where}, not a folder; give --out a folder name", path=given)
        if folder != target:
            return
        break
    else:
        return
    here = Path.cwd().resolve()
    if target == here or target in here.parents:
        raise OutputError(
            "is the current folder or one above it; orgplan replaces its output folder as a whole, so give "
            "it a folder of its own",
            path=given,
        )
    try:
        others = sorted(n for n in os.listdir(target) if n not in own)
    except OSError as exc:
        raise _output_error(exc, given) from None
    if others:
        listed = ", ".join(shown(n) for n in others[:3]) + (f" and {len(others) - 3:,} more" if len(others) > 3 else "")
        raise OutputError(
            f"holds files orgplan did not write ({listed}); orgplan replaces its output folder as a whole, "
            "so give it a folder of its own",
            path=given,
        )


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (waiting for other orgplan runs), where locks exist."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Unix
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` at ``target``; afterwards ``staging`` holds the previous contents, if any."""
    try:
        os.rename(staging, target)  # no target yet, or an empty folder
        return
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
    if _exchange(staging, target):
        return
    aside = staging.with_name(staging.name[:-4] + "old.tmp")
    os.rename(target, aside)
    os.rename(staging, target)
    os.rename(aside, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not available."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))
