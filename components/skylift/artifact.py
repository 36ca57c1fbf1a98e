"""The Lambda deployment zip: the app's files plus the shim, byte-identical for identical inputs.

Pulumi re-zips a directory without Unix modes, so an app binary would lose its
exec bit; skylift writes the zip itself (sorted entries, each dated by its last
git commit (file_times.py), 0755/0644 modes) and hands the component a file. Identical bytes mean
``pulumi preview`` shows no change when nothing changed.
"""

import contextlib
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pathspec
import pathspec.patterns.gitignore

import skylift_shim

from .errors import ArtifactError
from .file_times import EntryTimes, FileTimesError, entry_times

# Lambda's quota for a function's code, unzipped (including layers; skylift uses none).
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
# Code sent in the CreateFunction/UpdateFunctionCode request itself may be a zip of at most
# 50 MB; a larger one goes through S3 (children/artifact_bucket.py).
MAX_ZIPPED_BYTES = 50 * 1024 * 1024
IGNORE_FILE = ".skyliftignore"
PYCACHE = "__pycache__"
ALWAYS_SKIPPED = {".git", PYCACHE, IGNORE_FILE}
BUILD_TIMEOUT_SECONDS = 900
BUILD_OUTPUT_TAIL_LINES = 20
ELF_MACHINES = {0x3E: "x86_64", 0xB7: "arm64"}
_GITIGNORE_PATTERN = pathspec.util.lookup_pattern("gitignore")


@dataclass(frozen=True)
class Artifact:
    path: Path
    size: int
    """Bytes of the zip file."""
    unzipped_size: int
    """Bytes of all files in it, the figure Lambda's 250 MB limit applies to."""
    sha256: str
    architecture: str
    """ELF architecture of the command's executable; arm64 when it is a script or a system command."""
    largest: list = field(default_factory=list)
    """The five biggest files: [(zip name, bytes)], biggest first."""
    native: bool = False
    """True when the command's executable is an ELF binary, so only ``architecture`` can run it."""
    bytecode: str | None = None
    """The runtime (``python3.13``) whose .pyc the zip carries beside every .py file; None without."""
    bytecode_files: int = 0
    warnings: list = field(default_factory=list)
    """What the deployer should hear about the zip (e.g. files dated 1980 outside git)."""


def elf_architecture(path: Path) -> str | None:
    """``x86_64``/``arm64`` for an ELF executable, ``unsupported ELF machine 0x..`` for another
    ELF machine, None when the file is not ELF (a script) or cannot be read."""
    try:
        with open(path, "rb") as file:
            header = file.read(20)
    except OSError:
        return None
    if len(header) < 20 or header[:4] != b"\x7fELF":
        return None
    byteorder = "big" if header[5] == 2 else "little"  # EI_DATA: 1 little-endian, 2 big-endian
    machine = int.from_bytes(header[18:20], byteorder)  # e_machine
    return ELF_MACHINES.get(machine, f"unsupported ELF machine 0x{machine:02X}")


def command_executable(command: str) -> str | None:
    """The executable (first word) of a shell command line, or None when it has none."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    # Leading VAR=value assignments are environment, not the program.
    words = [word for word in words if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", word)] or [""]
    return words[0] or None


def executable_path(source: Path, command: str) -> Path | None:
    """Where the command's executable lives inside the source folder; None for a system
    command found on PATH (``python3 app.py``), an absolute path (Lambda's filesystem, not
    this machine's) or an empty command."""
    executable = command_executable(command)
    if executable is None or "/" not in executable or executable.startswith("/"):
        return None
    return Path(source, executable)


def build_app(args, out_dir: Path) -> "Artifact":
    """The zip of validated App arguments: as ``build``, holding the binary to a set architecture."""
    architecture = args.get("architecture")
    return build(Path(args["source"]), command=args["command"], build=args.get("build"), out_dir=out_dir,
                 architecture=None if architecture in (None, "auto") else architecture, runtime=args.get("runtime"))


def build(source: Path, *, command: str, build: str | None = None, out_dir: Path,
          architecture: str | None = None, runtime: str | None = None) -> Artifact:
    """Run the build hook in ``source``, then zip its files and the shim to ``out_dir/<source name>.zip``.

    With ``architecture`` (arm64 or x86_64), refuse an executable built for the other one. With
    ``runtime`` (``python3.13``), add .pyc when this Python is that version (see ``bytecode_entries``)."""
    source = Path(source).resolve()
    if not source.is_dir():
        raise ArtifactError(f"the source folder {source} does not exist")
    if build:
        run_build_hook(source, build)
    executable = executable_path(source, command)
    if executable is not None and not executable.is_file():
        raise ArtifactError(f"the command's executable {command_executable(command)} is not in {source}"
                            + (f" after the build hook `{build}` ran" if build else ""))
    detected = elf_architecture(executable) if executable is not None else None
    if detected is not None and architecture in ("arm64", "x86_64") and detected != architecture:
        raise ArtifactError(f"{command_executable(command)} is an {detected} ELF binary, but the function's "
                            f"architecture is {architecture}" + (f" (after the build hook `{build}`)" if build else ""))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{source.name}.zip"
    entries = collect(source)
    _check_size(entries)
    bytecode = bytecode_entries(entries, runtime, path.with_name(path.name + ".pyc"))
    if _unzipped_bytes(entries + bytecode) > MAX_UNZIPPED_BYTES:
        bytecode = []  # they only spare cold starts some compiling: never at the price of a deploy
    entries = sorted(entries + bytecode)
    temporary = path.with_name(path.name + ".tmp")
    times = EntryTimes() if _planning[-1] else _entry_times(source, entries)
    write_zip(temporary, entries, times)
    temporary.replace(path)
    data = path.read_bytes()
    sizes = sorted(((name, file.stat().st_size) for name, file in entries), key=lambda item: (-item[1], item[0]))
    return Artifact(
        path=path,
        size=len(data),
        unzipped_size=sum(size for _, size in sizes),
        sha256=hashlib.sha256(data).hexdigest(),
        architecture=detected if detected in ("x86_64", "arm64") else "arm64",
        largest=sizes[:5],
        native=detected is not None,
        bytecode=runtime if bytecode else None,
        bytecode_files=len(bytecode),
        warnings=[times.warning] if times.warning else [],
    )


_planning = [False]


@contextlib.contextmanager
def as_planned():
    """Build zips as a plan shows them meanwhile: without .pyc and every entry dated zip's epoch.

    A plan (and its committed snapshot) then reads the same whichever Python makes it (3.13 in the
    deploy workflows, another on a laptop) and however much history the clone has (a shallow CI clone
    would date every file by its one commit), and a snapshot refreshed before a commit still holds
    after it. Its code hash still moves with every change of content."""
    _planning.append(True)
    try:
        yield
    finally:
        _planning.pop()


def bytecode_entries(entries: list[tuple[str, Path]], runtime: str | None, cache_dir: Path) -> list[tuple[str, Path]]:
    """(zip name, file) of a .pyc for every .py entry, compiled into ``cache_dir``; none unless this
    Python is the function's runtime version, since another version's bytecode would be ignored.

    Lambda's /var/task is read-only: without a .pyc beside it, Python compiles each imported module
    again at every cold start. Unchecked-hash .pyc are used without comparing the source's time or
    hash (the zip's contents never change once deployed) and hold no build time. Files that do not
    compile (not Python 3) get none."""
    if _planning[-1] or runtime != f"python{sys.version_info.major}.{sys.version_info.minor}":
        return []
    if cache_dir.exists():
        shutil.rmtree(cache_dir)
    jobs = [(name, file, _pyc_name(name)) for name, file in entries if name.endswith(".py")]
    _compile_bytecode([(str(file), str(cache_dir / pyc), name) for name, file, pyc in jobs])
    return [(pyc, cache_dir / pyc) for _, _, pyc in jobs if (cache_dir / pyc).is_file()]


def _pyc_name(name: str) -> str:
    """Where import looks for a module's bytecode: ``pkg/mod.py`` -> ``pkg/__pycache__/mod.cpython-313.pyc``."""
    folder, _, module = name.rpartition("/")
    return (f"{folder}/" if folder else "") + f"{PYCACHE}/{module[:-3]}.{sys.implementation.cache_tag}.pyc"


# dfile: the name in tracebacks, free of this machine's paths (import puts the real path in on load).
_COMPILE_SCRIPT = """
import json, py_compile, sys
for source, target, name in json.load(sys.stdin):
    try:
        py_compile.compile(source, cfile=target, dfile=name, doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    except py_compile.PyCompileError:
        pass
"""


def _compile_bytecode(jobs: list[tuple[str, str, str]]) -> None:
    """Compile in a fresh interpreter with a fixed hash seed: marshal's bytes depend on the order of
    set constants (string hashes are seeded per process) and on the reference counts of interned
    strings (what the process has loaded), so a build inside a Pulumi program would differ from one
    inside `skylift build`."""
    done = subprocess.run([sys.executable, "-S", "-c", _COMPILE_SCRIPT], input=json.dumps(jobs), text=True,
                          capture_output=True, env={"PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"})
    if done.returncode != 0:
        raise ArtifactError(f"compiling .pyc with {sys.executable} failed:\n{done.stderr.strip()}")


def run_build_hook(source: Path, command: str, *, timeout: float = BUILD_TIMEOUT_SECONDS) -> None:
    try:
        result = subprocess.run(["/bin/sh", "-c", command], cwd=source, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        raise ArtifactError(f"build hook `{command}` in {source} did not finish within {timeout:g} s"
                            + _tail(expired.output or b"")) from None
    if result.returncode != 0:
        raise ArtifactError(f"build hook `{command}` in {source} failed with exit code {result.returncode}"
                            + _tail(result.stdout))


def _tail(output: bytes) -> str:
    lines = output.decode("utf-8", "replace").rstrip().splitlines()[-BUILD_OUTPUT_TAIL_LINES:]
    return (":\n" + "\n".join(lines)) if lines else " (no output)"


def collect(source: Path) -> list[tuple[str, Path]]:
    """Every (zip name, file) of the zip: the app's files not ignored, then the shim, sorted by name."""
    ignore = IgnoreRules.from_file(source / IGNORE_FILE)
    app_files = list(_walk(source, ignore))
    shim_dir = Path(skylift_shim.__file__).parent
    shim_files = [(f"skylift_shim/{name}", path) for name, path in _walk(shim_dir, IgnoreRules([]))
                  if not name.endswith((".pyc", ".pyo"))]
    clash = sorted({name for name, _ in app_files if name.split("/")[0] == "skylift_shim"})
    if clash:
        raise ArtifactError(f"{source} has its own skylift_shim ({clash[0]}), which would clash with the shim skylift adds")
    return sorted(app_files + shim_files)


def _walk(root: Path, ignore: "IgnoreRules"):
    for directory, subdirectories, files in os.walk(root, followlinks=False):
        relative = Path(directory).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        subdirectories[:] = [name for name in subdirectories
                             if name not in ALWAYS_SKIPPED and not ignore.ignored(prefix + name, is_dir=True)]
        for name in files:
            path = Path(directory, name)
            if name in ALWAYS_SKIPPED or ignore.ignored(prefix + name, is_dir=False) or not path.is_file():
                continue
            yield prefix + name, path


def _unzipped_bytes(entries: list[tuple[str, Path]]) -> int:
    return sum(file.stat().st_size for _, file in entries)


def _check_size(entries: list[tuple[str, Path]]) -> None:
    total = _unzipped_bytes(entries)
    if total > MAX_UNZIPPED_BYTES:
        sizes = sorted(((file.stat().st_size, name) for name, file in entries), reverse=True)
        largest = ", ".join(f"{name} ({_mb(size)})" for size, name in sizes[:5])
        raise ArtifactError(f"the app is {_mb(total)} unzipped, above Lambda's {_mb(MAX_UNZIPPED_BYTES)} limit "
                            f"for unzipped code; largest files: {largest}; list what need not ship in {IGNORE_FILE}")


def _entry_times(source: Path, entries) -> EntryTimes:
    try:
        return entry_times(source, [name for name, _ in entries])
    except FileTimesError as error:
        raise ArtifactError(str(error)) from None


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def write_zip(path: Path, entries: list[tuple[str, Path]], times: EntryTimes = EntryTimes()) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, file in entries:
            info = zipfile.ZipInfo(name, date_time=times(name))
            info.create_system = 3  # Unix, so unzip and Lambda honour the mode bits below
            executable = os.stat(file).st_mode & 0o111
            info.external_attr = ((0o100755 if executable else 0o100644) << 16)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.read_bytes(), compresslevel=9)


class IgnoreRules:
    """The patterns of a .skyliftignore, read as git reads a .gitignore: the last pattern matching a path wins.

    ``_walk``, like git, asks about a folder before entering it and never enters an ignored one, so a
    file inside an ignored folder cannot be re-included. pathspec turns each pattern into a regular
    expression made to answer for whole paths without walking: it also matches every path below a
    matching folder. Cut at the end of the path, it answers for the path alone, as git's walk asks."""

    def __init__(self, lines):
        self._rules = [rule for rule in map(_ignore_rule, lines) if rule is not None]

    @classmethod
    def from_file(cls, path: Path) -> "IgnoreRules":
        return cls(path.read_text(encoding="utf-8").splitlines() if path.is_file() else [])

    def ignored(self, relative_path: str, *, is_dir: bool) -> bool:
        # pathspec tells a folder by its trailing slash: only folders match a pattern ending in one.
        path = relative_path + "/" if is_dir else relative_path
        ignored = False
        for regex, ignores in self._rules:
            if regex.search(path):
                ignored = ignores
        return ignored


def _ignore_rule(line: str):
    """(regex, whether a match ignores) of one line; None for a comment, a blank or a line git ignores too."""
    stripped = line.rstrip()
    if stripped.lstrip("!") in ("", "/"):
        return None
    # pathspec reads "a/**" as the prefix "a/", which is the folder a itself; git means everything inside a.
    text = stripped + "/*" if stripped.endswith("/**") else line
    try:
        pattern = _GITIGNORE_PATTERN(text)
    except pathspec.patterns.gitignore.GitIgnorePatternError:  # e.g. a trailing lone backslash: git never matches it
        return None
    if pattern.include is None:
        return None
    return re.compile(f"(?:{pattern.regex.pattern})\\Z", pattern.regex.flags), pattern.include

