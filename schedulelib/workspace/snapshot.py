"""The snapshot file: one workspace's subscriptions, models and sync history, as pulled.

Format (version 1), written by ``schedulelib pull -o FILE``::

    {"schedulelibSnapshot": 1, "pulledAt": ..., "apiUrl": ...,
     "history": {"since": ..., "until": ...} | null,
     "models": [{"id", "name", "enabled", "sourceId"}],
     "destinations": [{"id", "name", "enabled",
                       "subscriptions": [{"id", "name", "enabled", "modelId", "destinationId",
                                          "reverseETLSchedule": {...}, "syncs": [...]}]}]}

Subscriptions keep their schedule under the usual ``reverseETLSchedule`` key, so ``validate``,
``explain`` and ``calendar`` find it with positions like in any other file.  Every name is the
Public API's own; ``syncs`` entries keep the API's ReverseETLSyncStatus field names ``syncId,
syncStatus, startedAt, finishedAt, duration, errorCode, error``.  The API token is never in it.

Reading is linear in the file: each sync status is turned into a compact :class:`Sync` while the
JSON is parsed (an ``object_hook``), so a snapshot of 700,000 syncs never exists as 700,000
dictionaries at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import math
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, TypeVar

from schedulelib._support.names import numbered
from schedulelib.core.diagnostics import Diagnostic, ScheduleError, diagnostic, pointer

__all__ = [
    "FORMAT_VERSION",
    "Destination",
    "Model",
    "Snapshot",
    "SnapshotError",
    "Subscription",
    "Sync",
    "observed_durations",
    "parse_duration_text",
    "parse_snapshot",
    "read_snapshot",
    "subscription_names",
    "write_snapshot",
]

FORMAT_VERSION = 1
#: The key that marks a snapshot; its value is the format version.
MARK = "schedulelibSnapshot"
#: Larger than any workspace's 14 days of history (700,000 syncs are about 150 MB).
MAX_BYTES = 2 * 1024 ** 3
T = TypeVar("T")
SYNC_FIELDS = ("syncId", "syncStatus", "startedAt", "finishedAt", "duration", "errorCode",
               "error")


class SnapshotError(ScheduleError):
    """A file that is not a readable snapshot (codes SL940 and SL941)."""


class Sync(NamedTuple):
    """One ReverseETLSyncStatus: a tuple, since a snapshot holds hundreds of thousands.

    ``started`` and ``finished`` are Unix seconds (floats keep the API's milliseconds and
    cost half a datetime); :attr:`started_at` and :attr:`finished_at` give aware datetimes.
    """

    sync_id: str
    status: str  # IN_PROGRESS, FAIL, SUCCESS, PARTIAL_SUCCESS (others kept as sent)
    started: float
    finished: float | None
    duration: str | None  # as the API sent it; its format is not documented
    error_code: str | None
    error: str | None

    @property
    def started_at(self) -> datetime:
        return datetime.fromtimestamp(self.started, UTC)

    @property
    def finished_at(self) -> datetime | None:
        return None if self.finished is None else datetime.fromtimestamp(self.finished, UTC)

    @property
    def elapsed(self) -> timedelta | None:
        """How long it ran: ``finishedAt - startedAt``, else ``duration`` read leniently."""
        if self.finished is not None:
            return timedelta(seconds=round(self.finished - self.started, 6))
        return parse_duration_text(self.duration) if self.duration is not None else None

    @property
    def ended(self) -> float | None:
        """When it ended (Unix seconds), if known: ``finishedAt``, else start + duration."""
        if self.finished is not None:
            return self.finished
        elapsed = self.elapsed
        return None if elapsed is None else self.started + elapsed.total_seconds()

    def to_dict(self) -> dict[str, Any]:
        return {"syncId": self.sync_id, "syncStatus": self.status,
                "startedAt": _iso_ts(self.started),
                "finishedAt": None if self.finished is None else _iso_ts(self.finished),
                "duration": self.duration, "errorCode": self.error_code, "error": self.error}


@dataclass(frozen=True, slots=True)
class Model:
    """A Reverse ETL model: when disabled, none of its subscriptions sync."""

    id: str
    name: str
    enabled: bool
    source_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "enabled": self.enabled,
                "sourceId": self.source_id}


@dataclass(frozen=True, slots=True)
class Subscription:
    """A Reverse ETL mapping: its schedule as written (checked later) and its sync history."""

    id: str
    name: str
    enabled: bool
    model_id: str
    destination_id: str
    schedule: object  # the raw reverseETLSchedule value; schedulelib.check/load read it
    syncs: tuple[Sync, ...]
    #: JSON Pointer of ``reverseETLSchedule`` in the snapshot file.
    where: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "enabled": self.enabled,
                "modelId": self.model_id, "destinationId": self.destination_id,
                "reverseETLSchedule": self.schedule,
                "syncs": [s.to_dict() for s in self.syncs]}


@dataclass(frozen=True, slots=True)
class Destination:
    id: str
    name: str
    enabled: bool
    subscriptions: tuple[Subscription, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "enabled": self.enabled,
                "subscriptions": [s.to_dict() for s in self.subscriptions]}


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A whole snapshot file, parsed."""

    pulled_at: datetime
    api_url: str
    #: ``(since, until)`` of the sync history, or None when pulled without ``--history``.
    history: tuple[datetime, datetime] | None
    models: tuple[Model, ...]
    destinations: tuple[Destination, ...]
    version: int = FORMAT_VERSION
    #: The path it was read from (``read_snapshot``), for labels of unnamed subscriptions.
    source: str = field(default="", compare=False)

    def subscriptions(self) -> Iterator[Subscription]:
        """Every subscription, in file order."""
        for dest in self.destinations:
            yield from dest.subscriptions

    def model(self, model_id: str) -> Model | None:
        return next((m for m in self.models if m.id == model_id), None)

    def destination(self, destination_id: str) -> Destination | None:
        return next((d for d in self.destinations if d.id == destination_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            MARK: self.version,
            "pulledAt": _iso(self.pulled_at),
            "apiUrl": self.api_url,
            "history": None if self.history is None else {
                "since": _iso(self.history[0]), "until": _iso(self.history[1])},
            "models": [m.to_dict() for m in self.models],
            "destinations": [d.to_dict() for d in self.destinations],
        }


# -- reading ------------------------------------------------------------------------------------


def read_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """Read a snapshot file; raises :class:`SnapshotError` (a ``ValueError``) if it is not one."""
    from schedulelib._support.files import NotRegularFile, open_regular

    label = str(path)
    try:
        # Only a regular file: a FIFO would hang the reader, /dev/zero never end.
        with open_regular(path) as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_BYTES:
                raise _error("SL940", "", f"{label}: {size} bytes, more than a snapshot holds")
            # read(MAX_BYTES + 1) would reserve 2 GiB for a file of any size (and fail where
            # address space is limited): read what the file holds, in pieces, up to the limit.
            data = _read_at_most(fh, MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise _error("SL940", "", f"{label}: more than {MAX_BYTES} bytes, more than a "
                             "snapshot holds")
            # Decoded at once, so the bytes are freed before the objects are built.
            text = data.decode("utf-8")
            del data
    except UnicodeDecodeError as exc:
        raise _error("SL940", "", f"{label}: not UTF-8 text ({exc.reason} at byte "
                     f"{exc.start})") from None
    except (IsADirectoryError, NotRegularFile) as exc:
        what = "is a directory" if isinstance(exc, IsADirectoryError) else str(exc)
        raise _error("SL940", "", f"{label}: {what}, not a snapshot file") from None
    except OSError as exc:
        raise _error("SL940", "", f"{label}: cannot be read: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL in the name
        raise _error("SL940", "", f"{label}: cannot be read: {exc}") from None
    return dataclasses.replace(parse_snapshot(text, name=label), source=label)


def _read_at_most(fh: BinaryIO, limit: int) -> bytearray:
    """Up to ``limit`` bytes of ``fh``, with memory in proportion to what it holds."""
    pieces = bytearray()
    while len(pieces) < limit:
        piece = fh.read(min(1 << 20, limit - len(pieces)))
        if not piece:
            break
        pieces += piece
    return pieces


def parse_snapshot(data: bytes | str, *, name: str = "<snapshot>") -> Snapshot:
    """Parse snapshot text (the bytes of a file written by ``pull``)."""
    # Hundreds of thousands of new tuples would set off the cyclic collector again and again;
    # none of them can be in a cycle, so it is paused while they are made.
    paused = gc.isenabled()
    gc.disable()
    try:
        doc = json.loads(data, object_hook=_hook, parse_constant=_no_constant)
    except RecursionError:
        raise _error("SL940", "", f"{name}: nested too deeply to be a snapshot") from None
    except (ValueError, TypeError) as exc:
        # JSONDecodeError and UnicodeDecodeError are ValueErrors; the message has the position.
        raise _error("SL940", "", f"{name}: not JSON: {exc}") from None
    finally:
        if paused:
            gc.enable()
    return _Builder(name).snapshot(doc)


class _BadSync(NamedTuple):
    why: str


def _no_constant(word: str) -> object:
    raise ValueError(f"{word} is not JSON")




_STATUS: dict[str, str] = {s: s for s in ("SUCCESS", "FAIL", "PARTIAL_SUCCESS", "IN_PROGRESS")}


def _hook(obj: dict[str, Any]) -> object:
    """json's object_hook: called for every object once it is complete; sync statuses become
    :class:`Sync` tuples at once (or :class:`_BadSync`), everything else is kept."""
    # The hot path of reading a snapshot: one call per object, so kept flat.
    if "syncStatus" not in obj or "startedAt" not in obj:
        return obj
    sync_id, status = obj.get("syncId"), obj.get("syncStatus")
    if type(sync_id) is not str or type(status) is not str:
        return _BadSync("syncId and syncStatus must be strings")
    started = _ts(obj.get("startedAt"))
    if started is None:
        return _BadSync(f"startedAt {_show(obj.get('startedAt'))} is not a date-time with a "
                        "UTC offset")
    finished = obj.get("finishedAt")
    if finished is not None:
        finished = _ts(finished)
        if finished is None:
            return _BadSync(f"finishedAt {_show(obj['finishedAt'])} is not a date-time with "
                            "a UTC offset")
    duration, code, error = obj.get("duration"), obj.get("errorCode"), obj.get("error")
    if code is None and ("loadPhase" in obj or "extractPhase" in obj):
        # The API may put the code on the phase that failed only (loadPhase, extractPhase).
        for phase in ("loadPhase", "extractPhase"):
            value = obj.get(phase)
            if isinstance(value, dict) and isinstance(value.get("errorCode"), str):
                code = value["errorCode"]
                break
    if (duration is not None and type(duration) is not str) \
            or (code is not None and type(code) is not str) \
            or (error is not None and type(error) is not str):
        return _BadSync("duration, errorCode and error must be strings or null")
    # tuple.__new__ directly: the NamedTuple constructor is one more Python frame per sync.
    return _new(Sync, (sync_id, _STATUS.get(status, status), started, finished, duration, code,
                       error))


_new = tuple.__new__


def _ts(value: object) -> float | None:
    """An RFC 3339 date-time (``Z`` or an offset) as Unix seconds, else None."""
    # Cheap shape checks first (this runs twice per sync): fromisoformat alone would also take
    # week dates, ordinal dates, bare dates and times without an offset.
    if type(value) is not str or not 20 <= len(value) <= 35 or value[10] not in "Tt " \
            or value[4] != "-" or value[7] != "-" or value[13] != ":" or value[16] != ":" \
            or (value[-1] not in "Zz" and value[-6] not in "+-"):
        return None
    try:
        dt = _fromisoformat(value)
    except ValueError:
        return None
    return None if dt.tzinfo is None else dt.timestamp()


_fromisoformat = datetime.fromisoformat


def _time(value: object) -> datetime | None:
    """An RFC 3339 date-time as an aware UTC datetime, else None."""
    ts = _ts(value)
    try:
        return None if ts is None else datetime.fromtimestamp(ts, UTC)
    except (ValueError, OverflowError, OSError):
        # 9999-12-31T23:59:59-01:00 is a valid RFC 3339 time in the year 10000 in UTC.
        return None


def _show(value: object, limit: int = 40) -> str:
    text = repr(value) if not isinstance(value, str) else json.dumps(value)
    return text if len(text) <= limit else text[:limit] + "...\""


def _error(code: str, where: str, message: str) -> SnapshotError:
    return SnapshotError(message, [diagnostic(code, where, message)])


class _Builder:
    """Checks the parsed tree and builds the frozen values; collects every bad entry."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Diagnostic] = []

    def bad(self, where: str, message: str) -> None:
        if len(self.problems) < 100:  # one broken generator must not flood the report
            self.problems.append(diagnostic("SL941", where, message))

    def snapshot(self, doc: object) -> Snapshot:
        if not isinstance(doc, dict) or MARK not in doc:
            raise _error("SL940", "", f"{self.name}: not a schedulelib snapshot (no "
                         f"{MARK!r} key)")
        version = doc[MARK]
        if version != FORMAT_VERSION or isinstance(version, bool):
            raise _error("SL940", pointer(MARK), f"{self.name}: snapshot format "
                         f"{_show(version)} is not one this version reads ({FORMAT_VERSION})")
        pulled = _time(doc.get("pulledAt"))
        if pulled is None:
            self.bad("/pulledAt", f"pulledAt {_show(doc.get('pulledAt'))} is not a date-time")
            pulled = datetime(1970, 1, 1, tzinfo=UTC)
        api_url = doc.get("apiUrl")
        history = self.history(doc.get("history"))
        models = tuple(m for i, raw in enumerate(self.array(doc, "models", ""))
                       if (m := self.model(raw, pointer("models", i))) is not None)
        dests = tuple(d for i, raw in enumerate(self.array(doc, "destinations", ""))
                      if (d := self.destination(raw, pointer("destinations", i))) is not None)
        if self.problems:
            raise SnapshotError.from_diagnostics(self.problems)
        return Snapshot(pulled, api_url if isinstance(api_url, str) else "", history, models,
                        dests)

    def array(self, obj: Mapping[str, Any], key: str, where: str) -> list[Any]:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.bad(f"{where}/{key}", f"{key} must be an array, got {type(value).__name__}")
            return []
        return value

    def history(self, raw: object) -> tuple[datetime, datetime] | None:
        if raw is None:
            return None
        if isinstance(raw, dict):
            since, until = _time(raw.get("since")), _time(raw.get("until"))
            if since is not None and until is not None and since <= until:
                return since, until
        self.bad("/history", "history must be null or {since, until}: two date-times, since "
                 "first")
        return None

    def text(self, raw: Mapping[str, Any], key: str, where: str, *,
             optional: bool = False) -> str:
        value = raw.get(key)
        if isinstance(value, str):
            return value
        if not (optional and value is None):
            self.bad(f"{where}/{key}", f"{key} must be a string, got {_show(value)}")
        return ""

    def flag(self, raw: Mapping[str, Any], key: str, where: str) -> bool:
        value = raw.get(key, True)
        if isinstance(value, bool):
            return value
        self.bad(f"{where}/{key}", f"{key} must be true or false, got {_show(value)}")
        return True

    def model(self, raw: object, where: str) -> Model | None:
        if not isinstance(raw, dict):
            self.bad(where, "a model must be an object")
            return None
        source = raw.get("sourceId")
        return Model(self.text(raw, "id", where), self.text(raw, "name", where, optional=True),
                     self.flag(raw, "enabled", where),
                     source if isinstance(source, str) else None)

    def destination(self, raw: object, where: str) -> Destination | None:
        if not isinstance(raw, dict):
            self.bad(where, "a destination must be an object")
            return None
        subs = tuple(s for i, item in enumerate(self.array(raw, "subscriptions", where))
                     if (s := self.subscription(item, f"{where}/subscriptions/{i}")) is not None)
        return Destination(self.text(raw, "id", where),
                           self.text(raw, "name", where, optional=True),
                           self.flag(raw, "enabled", where), subs)

    def subscription(self, raw: object, where: str) -> Subscription | None:
        if not isinstance(raw, dict):
            self.bad(where, "a subscription must be an object")
            return None
        syncs: list[Sync] = []
        for i, item in enumerate(self.array(raw, "syncs", where)):
            if isinstance(item, Sync):
                syncs.append(item)
            elif isinstance(item, _BadSync):
                self.bad(f"{where}/syncs/{i}", item.why)
            else:
                self.bad(f"{where}/syncs/{i}", "a sync status needs syncId, syncStatus and "
                         "startedAt")
        # Pages may come in any order (the API does not promise one): keep them by start.
        syncs.sort(key=_started)
        return Subscription(self.text(raw, "id", where),
                            self.text(raw, "name", where, optional=True),
                            self.flag(raw, "enabled", where),
                            self.text(raw, "modelId", where),
                            self.text(raw, "destinationId", where, optional=True),
                            raw.get("reverseETLSchedule"), tuple(syncs),
                            f"{where}/reverseETLSchedule")


def _started(sync: Sync) -> float:
    return sync.started


# -- writing ------------------------------------------------------------------------------------


def _iso_ts(ts: float) -> str:
    return _iso(datetime.fromtimestamp(ts, UTC))


def _iso(dt: datetime) -> str:
    dt = dt.astimezone(UTC)
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        text += f".{dt.microsecond:06d}".rstrip("0")
    return text + "Z"


def write_snapshot(snapshot: Snapshot | Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write atomically: to a temporary file beside ``path``, then rename over it.

    A failure at any point leaves ``path`` as it was (absent, or the previous snapshot).  As
    ``validate --fix`` writes (decision D61): a symbolic link is followed (the link stays, its
    target is replaced); an existing file keeps its mode, and one that is read-only is refused
    with :class:`PermissionError`; a new file is readable by its owner only (0600: sync error
    texts can quote warehouse messages).
    """
    import stat

    doc = snapshot.to_dict() if isinstance(snapshot, Snapshot) else snapshot
    target = Path(os.path.realpath(path))
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None and (not stat.S_IMODE(info.st_mode) & 0o222
                             or not os.access(target, os.W_OK)):
        raise PermissionError(13, f"the file is read-only (mode {stat.S_IMODE(info.st_mode):04o})"
                              "; make it writable, or write elsewhere")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            _dump(doc, fh)
            fh.flush()
            if info is not None:
                os.chmod(tmp, stat.S_IMODE(info.st_mode))
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _dump(doc: Mapping[str, Any], fh: Any) -> None:
    """One model, destination head, subscription head or sync per line: readable, diffable,
    positions that mean something to ``validate``, and the C encoder for every piece."""
    enc = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": ")).encode
    w = fh.write

    def head(obj: Mapping[str, Any], skip: str) -> str:
        return enc({k: v for k, v in obj.items() if k != skip})[:-1]

    w("{\n")
    keys = [k for k in doc if k not in ("models", "destinations")]
    for k in keys:
        w(f" {enc(k)}: {enc(doc[k])},\n")
    w(' "models": [')
    w(",".join(f"\n  {enc(m)}" for m in doc.get("models", [])))
    w("\n ],\n" if doc.get("models") else "],\n")
    w(' "destinations": [')
    for i, d in enumerate(doc.get("destinations", [])):
        w(("," if i else "") + f"\n  {head(d, 'subscriptions')}, \"subscriptions\": [")
        for j, sub in enumerate(d.get("subscriptions", [])):
            w(("," if j else "") + f"\n   {head(sub, 'syncs')},\n    \"syncs\": [")
            syncs = sub.get("syncs", [])
            for n, y in enumerate(syncs):
                w(("," if n else "") + "\n     " + enc(y))
            w("\n    ]}" if syncs else "]}")
        w("\n  ]}" if d.get("subscriptions") else "]}")
    w("\n ]\n}\n" if doc.get("destinations") else "]\n}\n")


# -- durations ----------------------------------------------------------------------------------


_ISO_DURATION = re.compile(
    r"P(?:(\d{1,6})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9}(?:\.\d{1,9})?)S)?)?\Z",
    re.ASCII)
_SECONDS = re.compile(r"\d{1,12}(?:\.\d{1,9})?\Z", re.ASCII)


def parse_duration_text(text: str) -> timedelta | None:
    """The API's ``duration``, whose format is not documented: a Go duration (``4m7s``), an
    ISO 8601 duration (``PT4M7S``) or plain seconds (``247``, ``247.5``); None otherwise."""
    if len(text) > 64:
        return None
    if _SECONDS.match(text):
        return timedelta(seconds=float(text))
    m = _ISO_DURATION.match(text)
    if m and text not in ("P", "PT") and not text.endswith("T"):
        d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return timedelta(days=d, hours=h, minutes=mi, seconds=s)
    from schedulelib.core.duration import parse_duration

    try:
        ns = parse_duration(text).nanoseconds
    except ScheduleError:
        return None
    return None if ns < 0 else timedelta(microseconds=ns // 1000)


# -- what other commands need -------------------------------------------------------------------


def subscription_names(snapshot: Snapshot) -> list[str]:
    """Each subscription's report name, in file order, as ``calendar`` and ``validate`` label
    the schedules of the same file: its ``name`` (else ``FILE#/pointer``, or its id when the
    snapshot was not read from a file); among subscriptions whose schedule can be read, the
    n-th of several with the same name is ``name [n]``."""
    from schedulelib.core.diagnostics import ScheduleError
    from schedulelib.core.schedule import load

    subs = list(snapshot.subscriptions())
    names = [s.name or (f"{snapshot.source}#{s.where}" if snapshot.source else s.id)
             for s in subs]
    readable = []
    for sub in subs:
        try:
            readable.append(sub.schedule is not None and load(sub.schedule) is not None)
        except ScheduleError:
            readable.append(False)
    return numbered(names, readable)


def observed_durations(snapshot: Snapshot, q: float = 0.95) -> dict[str, timedelta]:
    """The ``q`` quantile (nearest rank) of each subscription's finished syncs' run time, keyed
    by report name (:func:`subscription_names`); subscriptions with no finished sync are left
    out."""
    if not 0.0 <= q <= 1.0 or math.isnan(q):
        raise ScheduleError(f"q must be between 0 and 1, got {q!r}")
    out: dict[str, timedelta] = {}
    for name, sub in zip(subscription_names(snapshot), snapshot.subscriptions(), strict=True):
        times = sorted(e for s in sub.syncs if (e := s.elapsed) is not None
                       and e >= timedelta(0))
        if times:
            out[name] = nearest_rank(times, q)
    return out


def nearest_rank(values: list[T], q: float) -> T:
    """The nearest-rank ``q`` quantile of sorted, non-empty ``values``."""
    rank = max(1, math.ceil(q * len(values)))
    return values[min(rank, len(values)) - 1]
