"""A Terraform module as Terraform reads it: every ``.tf`` (and ``.tf.json``) file of one
directory together, with the values of its variables from ``.tfvars`` files.

What a schedule can reach by name lives here: each variable's default, each local, and the
values ``terraform plan`` would give the variables (``terraform.tfvars``, ``*.auto.tfvars``
in the directory, then each ``--var-file`` in order, the last one winning, as Terraform's
documented precedence has it; ``TF_VAR_`` environment variables are not read).

A :class:`Session` reads each file once for a whole run: ``with session(var_files=[...]):``
around the scans (the ``validate`` command does this).  Outside one, scans share a session
that checks a directory's files are unchanged (names, sizes, times) before using what it read.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from schedulelib._support.files import read_regular
from schedulelib.core.diagnostics import diagnostic
from schedulelib.lint.sources.hcl import HclReader, HclSyntaxError, ModuleCall, Node, Src
from schedulelib.lint.sources.model import Finding, Scan
from schedulelib.lint.sources.reading import MAX_BYTES, decode, read_bytes, too_large
from schedulelib.lint.sources.tfjson import read_tfjson
from schedulelib.lint.sources.tree import iter_files
from schedulelib.lint.sources.wanted import WANTED

__all__ = ["Module", "Session", "Src", "current", "session"]


class Module:
    """The names of one directory's files (variables, locals) and the variables' values."""

    def __init__(self) -> None:
        #: file key -> the reader of that file (definitions of its variables and locals)
        self.files: dict[str, HclReader] = {}
        #: variable -> its value from a .tfvars file, later files winning
        self.values: dict[str, Node] = {}
        self._variables: dict[str, tuple[str, Node | None]] | None = None
        self._locals: dict[str, tuple[str, Node]] | None = None

    def _index(self) -> None:
        # One index per module, the first file (in name order) winning as Terraform would
        # refuse the duplicate anyway: each name is then found in constant time.
        self._variables, self._locals = {}, {}
        for key, reader in self.files.items():
            for name, node in reader.variables.items():
                self._variables.setdefault(name, (key, node))
            for name, value in reader.locals.items():
                self._locals.setdefault(name, (key, value))

    def variable(self, name: str, own: HclReader | None, own_key: str) -> tuple[bool, Node | None]:
        """(declared, value): the value from a .tfvars file, else the default (None: none)."""
        if name in self.values:
            return True, self.values[name]
        return self.default(name, own, own_key)

    def default(self, name: str, own: HclReader | None, own_key: str
                ) -> tuple[bool, Node | None]:
        """(declared, default): what a module call that does not set ``name`` gives it."""
        if own is not None and name in own.variables:
            return True, own.variables[name]
        if self._variables is None:
            self._index()
        assert self._variables is not None
        key, default = self._variables.get(name, (own_key, None))
        return key != own_key, default if key != own_key else None

    def local(self, name: str, own: HclReader | None, own_key: str) -> Node | None:
        if own is not None and name in own.locals:
            return own.locals[name]
        if self._locals is None:
            self._index()
        assert self._locals is not None
        key, value = self._locals.get(name, (own_key, None))
        return value if key != own_key else None


class Session:
    """What one run shares: the modules read so far, and the ``--var-file`` files."""

    def __init__(self, var_files: Sequence[str | Path] = (), *,
                 revalidate: bool = False, roots: Sequence[str | Path] = ()) -> None:
        self.var_files = [str(f) for f in var_files]
        #: The files and directories of the run: module blocks are looked for under them.
        self.roots = [str(r) for r in roots]
        self._calls: dict[str, list[tuple[ModuleCall, str]]] | None = None
        self._modules: dict[str, tuple[Module, list[tuple[str, tuple[int, int, int]]]]] = {}
        self._var_values: dict[str, Node] | None = None
        #: The .tfvars files read, each with its own findings (syntax errors, unreadable).
        self.var_scans: list[Scan] = []
        self._sources: dict[str, Src] = {}
        #: Check that a directory's files are unchanged before using what was read from them
        #: (the session shared by scans made outside any ``with session()``).
        self.revalidate = revalidate
        self._lock = threading.Lock()

    def module(self, directory: str) -> Module:
        key = os.path.realpath(directory or ".")
        with self._lock:
            cached = self._modules.get(key)
            if cached is not None and not self.revalidate:
                return cached[0]
            listing = _listing(directory)
            if cached is not None and cached[1] == listing:
                return cached[0]
            module = self._read_module(directory, listing)
            self._modules[key] = (module, listing)
            return module

    def callers(self, directory: str) -> list[tuple[ModuleCall, str]]:
        """The module blocks under the session's roots whose local ``source`` is
        ``directory``, each with the directory it is written in (decision D57)."""
        if not self.roots:
            return []
        with self._lock:
            if self._calls is None:
                self._calls = self._find_calls()
            return self._calls.get(os.path.realpath(directory or "."), [])

    def _find_calls(self) -> dict[str, list[tuple[ModuleCall, str]]]:
        found: dict[str, list[tuple[ModuleCall, str]]] = {}
        paths: list[str] = []
        for root in self.roots:
            if os.path.isdir(root):
                for item in iter_files(root):
                    paths.append(str(item))
                    if len(paths) >= MAX_CALLER_FILES:
                        break
            else:
                paths.append(root)
        for path in paths[:MAX_CALLER_FILES]:
            lower = path.lower()
            if not lower.endswith((".tf", ".tf.json")):
                continue
            src = self._sources.get(_key(path))
            if src is None:
                text = _read_text(path, MAX_BYTES)
                if text is None:
                    continue
                # Kept, parsed or not: the module's reading uses it instead of reading again.
                src = Src(path, text)
                self._sources[_key(path)] = src
            if "module" not in src.text or "source" not in src.text:
                continue  # no module block: the file need not be parsed here
            if src.reader is None:
                src.reader = _definitions(src, json=lower.endswith(".json"))
            if src.reader is None:
                continue
            here = os.path.dirname(path)
            for call in src.reader.calls:
                source = call.source
                if source is None or not source.startswith(("./", "../")):
                    continue  # a registry or Git module is not in the tree
                target = os.path.realpath(os.path.join(here or ".", source))
                found.setdefault(target, []).append((call, here))
        return found

    def source(self, path: str) -> Src | None:
        """The Src read already for ``path``."""
        return self._sources.get(_key(path))

    def size(self) -> int:
        return len(self._sources) + len(self._modules)

    def reader_for(self, name: str, text: str) -> Src | None:
        """The Src read already for file ``name``, if its text is ``text``."""
        src = self._sources.get(_key(name))
        return src if src is not None and src.text == text else None

    def _read_module(self, directory: str,
                     listing: list[tuple[str, tuple[int, int, int]]]) -> Module:
        module = Module()
        names = [name for name, _stat in listing]
        for name, stat in listing:
            lower = name.lower()
            if not (lower.endswith(".tf") or lower.endswith(".tf.json")):
                continue
            path = os.path.join(directory, name)
            src = self._sources.get(_key(path))
            if src is None or (self.revalidate and src.stat != stat):
                text = _read_text(path, MAX_BYTES)
                if text is None:
                    continue
                src = Src(path, text)
                src.stat = stat
                src.reader = _definitions(src, json=lower.endswith(".json"))
                self._sources[_key(path)] = src
            elif src.reader is None:
                src.reader = _definitions(src, json=lower.endswith(".json"))
            if src.reader is not None:
                module.files[_key(path)] = src.reader
        auto = [n for n in names if n == "terraform.tfvars" or n.endswith(".auto.tfvars")]
        auto.sort(key=lambda n: (n != "terraform.tfvars", n))
        for name in auto:
            module.values.update(self._tfvars(os.path.join(directory, name), quiet=True))
        module.values.update(self.var_values())
        return module

    def remember(self, src: Src) -> None:
        if self.revalidate:
            src.stat = _stat(src.name)
        self._sources[_key(src.name)] = src

    def var_values(self) -> dict[str, Node]:
        if self._var_values is None:
            self._var_values = {}
            for name in self.var_files:
                self._var_values.update(self._tfvars(name, quiet=False))
        return self._var_values

    def _tfvars(self, name: str, *, quiet: bool) -> dict[str, Node]:
        """The values of a .tfvars file; a --var-file becomes a Scan in var_scans with its
        problems, one read automatically only when it has any (it then gives no values)."""
        # A broken terraform.tfvars / *.auto.tfvars is reported once, by the session of a
        # run (which shows var_scans); the shared session has nobody to show it to.
        report = not quiet or not self.revalidate
        got = read_bytes(name, name)
        problem = Scan(name, "terraform")
        if isinstance(got, Scan):
            problem, text = got, None
        elif len(got) > MAX_BYTES:
            problem, text = too_large(name, "terraform"), None
        else:
            text = decode(got, problem)
        if text is None:
            if not quiet:
                self.var_scans.append(problem)
            return {}
        src = Src(name, text)
        result = Scan(name, "terraform", text=text)
        values: dict[str, Node] = {}
        try:
            reader = HclReader(text, src, tfvars=True).read()
            values = reader.attributes
        except HclSyntaxError as exc:
            result.findings.append(Finding.at(name, src.lines.point(exc.offset), diagnostic(
                "SL001", "", f"invalid HCL: {exc}", "correct the .tfvars file at that position")))
        except RecursionError:
            result.findings.append(Finding.at(name, src.lines.point(0), diagnostic(
                "SL001", "", "the file is nested too deeply to read", "is this a .tfvars file?")))
        if not quiet or (report and result.findings):
            self.var_scans.append(result)
        return values


_current: ContextVar[Session | None] = ContextVar("schedulelib_terraform_session", default=None)


#: The most files searched for module blocks in one run.
MAX_CALLER_FILES = 20_000


@contextmanager
def session(var_files: Sequence[str | Path] = (),
            roots: Sequence[str | Path] = ()) -> Iterator[Session]:
    """Share one :class:`Session` among the scans inside the ``with`` block (``roots``: the
    files and directories of the run, where module calls are looked for)."""
    current = Session(var_files, roots=roots)
    token = _current.set(current)
    try:
        yield current
    finally:
        _current.reset(token)


_shared: list[Session] = []
#: What the shared session may hold (files and directories) before it starts afresh.
SHARED_LIMIT = 4096


def current() -> Session:
    """The session of the enclosing ``with session()``; outside one, a session shared by all
    scans, which checks that files are unchanged before using what it read from them (so that
    scanning the files of one directory one by one reads each once, not once per file)."""
    explicit = _current.get()
    if explicit is not None:
        return explicit
    asked = WANTED.get()
    if asked is not None:  # a run that asked for its own session: made on first use
        if asked.session is None:
            made = Session(asked.var_files, roots=asked.roots)
            made.var_values()  # the --var-file files are read (and reported) first
            asked.given = len(made.var_scans)
            asked.session = made
        assert isinstance(asked.session, Session)
        return asked.session
    with _shared_lock:
        if not _shared or _shared[0].size() > SHARED_LIMIT:
            _shared[:] = [Session(revalidate=True)]
        return _shared[0]


_shared_lock = threading.Lock()


def _key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _listing(directory: str) -> list[tuple[str, tuple[int, int, int]]]:
    """(name, (mtime_ns, size, inode)) of the regular files of ``directory`` Terraform reads,
    sorted (FIFOs, devices and sockets are not files; links are followed)."""
    out = []
    try:
        with os.scandir(directory or ".") as entries:
            for entry in entries:
                lower = entry.name.lower()
                if not lower.endswith((".tf", ".tf.json", ".tfvars")):
                    continue
                try:
                    if entry.is_file():
                        st = entry.stat()
                        out.append((entry.name, (st.st_mtime_ns, st.st_size, st.st_ino)))
                except OSError:
                    continue
    except OSError:
        return []
    out.sort()
    return out


def _stat(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


def _read_text(path: str, limit: int) -> str | None:
    """The text of a regular UTF-8 file of at most ``limit`` bytes, else None (its own scan,
    if it is scanned, says why)."""
    try:
        data = read_regular(path, limit)
    except (OSError, ValueError):
        return None
    if len(data) > limit:
        return None
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None


def _definitions(src: Src, *, json: bool) -> HclReader | None:
    """The reader of a sibling file (its own scan reports its problems: None here)."""
    try:
        if json:
            return read_tfjson(src)
        return HclReader(src.text, src).read()
    except (HclSyntaxError, RecursionError):
        return None
