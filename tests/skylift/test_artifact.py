"""The deployment zip: byte-identical builds, modes, ignore rules, build hook, ELF detection, size limit."""

import hashlib
import re
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
import skylift_shim
from hypothesis import given, settings
from hypothesis import strategies as st

from skylift import artifact
from skylift.artifact import Artifact, ArtifactError, IgnoreRules, build, build_app, elf_architecture

X86_64, ARM64, ARM32 = 0x3E, 0xB7, 0x28  # ELF e_machine values
SHIM_DIR = Path(skylift_shim.__file__).parent


def shim_entries() -> list[str]:
    return sorted(
        f"skylift_shim/{path.relative_to(SHIM_DIR).as_posix()}" for path in SHIM_DIR.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"))


@pytest.fixture
def source(tmp_path, write_file, make_elf):
    app = tmp_path / "web"
    write_file(app / "server", make_elf(X86_64), executable=True)
    write_file(app / "static" / "index.html", "<h1>hi</h1>\n")
    write_file(app / "bin" / "tool.sh", "#!/bin/sh\necho tool\n", executable=True)
    write_file(app / ".git" / "HEAD", "ref: refs/heads/main\n")
    write_file(app / "lib" / "__pycache__" / "mod.cpython-313.pyc", b"\0")
    write_file(app / "lib" / "mod.py", "VALUE = 1\n")
    return app


def names(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return [info.filename for info in archive.infolist()]


def test_zip_holds_app_and_shim_sorted_with_fixed_times_and_modes(source, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # outside git: the fixed time
    built = build(source, command="./server --port-from-env", out_dir=tmp_path / "out")
    with zipfile.ZipFile(built.path) as archive:
        infos = archive.infolist()
        entries = {info.filename: (stat.S_IMODE(info.external_attr >> 16), info.date_time, info.create_system)
                   for info in infos}
        assert archive.read("server")[:4] == b"\x7fELF"
    expected_app = {
        "bin/tool.sh": 0o755,
        "lib/mod.py": 0o644,
        "server": 0o755,
        "static/index.html": 0o644,
    }
    expected = {name: (mode, (1980, 1, 1, 0, 0, 0), 3) for name, mode in expected_app.items()}
    # The shim's files, its exec wrapper executable (Lambda runs it by path).
    expected.update({name: (0o755 if name == "skylift_shim/exec-wrapper" else 0o644, (1980, 1, 1, 0, 0, 0), 3)
                     for name in shim_entries()})
    assert entries == expected
    assert [info.filename for info in infos] == sorted(expected)
    assert "skylift_shim/__init__.py" in entries


def test_two_builds_are_byte_identical(source, tmp_path):
    first = build(source, command="./server", out_dir=tmp_path / "one")
    # New modification times and a different creation order must not change a byte.
    for path in source.rglob("*"):
        os.utime(path, (1_800_000_000, 1_800_000_000))
    (source / "static" / "index.html").unlink()
    (source / "static" / "index.html").write_text("<h1>hi</h1>\n")
    second = build(source, command="./server", out_dir=tmp_path / "two")
    assert first.path != second.path
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.sha256 == second.sha256 == hashlib.sha256(first.path.read_bytes()).hexdigest()


def test_a_changed_file_changes_the_hash(source, tmp_path):
    first = build(source, command="./server", out_dir=tmp_path / "one")
    (source / "lib" / "mod.py").write_text("VALUE = 2\n")
    assert build(source, command="./server", out_dir=tmp_path / "two").sha256 != first.sha256


def test_artifact_reports_sizes_and_architecture(source, tmp_path, write_file, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    write_file(source / "data.bin", b"x" * 10_000)
    built = build(source, command="./server", out_dir=tmp_path / "out")
    with zipfile.ZipFile(built.path) as archive:
        unzipped = sum(info.file_size for info in archive.infolist())
    shim_sizes = {name: (SHIM_DIR / name.removeprefix("skylift_shim/")).stat().st_size for name in shim_entries()}
    everything = {"data.bin": 10_000, "server": 64, "bin/tool.sh": 20, "lib/mod.py": 10, "static/index.html": 12,
                  **shim_sizes}
    assert built == Artifact(
        path=tmp_path / "out" / "web.zip",
        size=built.path.stat().st_size,
        unzipped_size=unzipped,
        sha256=hashlib.sha256(built.path.read_bytes()).hexdigest(),
        architecture="x86_64",
        largest=sorted(everything.items(), key=lambda item: (-item[1], item[0]))[:5],
        native=True,
        warnings=[f"{source} is not in a git work tree and SOURCE_DATE_EPOCH is not set: every file in the zip "
                  "is dated 1980-01-01, so static files answer the same Last-Modified after a change; "
                  "commit the app to git or set SOURCE_DATE_EPOCH"],
    )
    assert unzipped == sum(everything.values())


@pytest.mark.parametrize("command,architecture,native", [
    ("./server", "x86_64", True),
    ("./arm/server", "arm64", True),
    ("./bin/tool.sh", "arm64", False),
    ("python3 lib/mod.py", "arm64", False),
])
def test_artifact_architecture(source, tmp_path, write_file, make_elf, command, architecture, native):
    write_file(source / "arm" / "server", make_elf(ARM64), executable=True)
    built = build(source, command=command, out_dir=tmp_path / "out")
    assert (built.architecture, built.native) == (architecture, native)


def test_build_refuses_a_binary_for_the_other_architecture(source, tmp_path):
    with pytest.raises(ArtifactError) as error:
        build(source, command="./server", build="true", out_dir=tmp_path / "out", architecture="arm64")
    assert str(error.value) == ("./server is an x86_64 ELF binary, but the function's architecture is arm64 "
                                "(after the build hook `true`)")
    assert build(source, command="./server", out_dir=tmp_path / "out", architecture="x86_64").architecture == "x86_64"
    assert build(source, command="./bin/tool.sh", out_dir=tmp_path / "out", architecture="x86_64").native is False


@pytest.mark.parametrize("machine,big_endian,expected", [
    (X86_64, False, "x86_64"),
    (ARM64, False, "arm64"),
    (ARM64, True, "arm64"),
    (ARM32, False, "unsupported ELF machine 0x28"),
])
def test_elf_architecture(tmp_path, write_file, make_elf, machine, big_endian, expected):
    assert elf_architecture(write_file(tmp_path / "bin", make_elf(machine, big_endian=big_endian))) == expected


@pytest.mark.parametrize("content", [b"#!/bin/sh\n", b"\x7fELF\x02\x01", b"", b"MZ" + bytes(62)])
def test_not_elf(tmp_path, write_file, content):
    assert elf_architecture(write_file(tmp_path / "file", content)) is None


def test_missing_file_is_not_elf(tmp_path):
    assert elf_architecture(tmp_path / "missing") is None


def test_build_hook_runs_in_source_first(source, tmp_path):
    built = build(source, command="./generated", build="printf '#!/bin/sh\\n' > generated && chmod +x generated",
                  out_dir=tmp_path / "out")
    with zipfile.ZipFile(built.path) as archive:
        assert archive.read("generated") == b"#!/bin/sh\n"
        assert stat.S_IMODE(archive.getinfo("generated").external_attr >> 16) == 0o755
    assert (built.architecture, built.native) == ("arm64", False)


def test_failing_build_hook_reports_command_exit_code_and_output_tail(source, tmp_path):
    hook = "for i in $(seq 1 30); do echo line $i; done; echo oops >&2; exit 3"
    with pytest.raises(ArtifactError) as error:
        build(source, command="./server", build=hook, out_dir=tmp_path / "out")
    tail = "\n".join([f"line {i}" for i in range(12, 31)] + ["oops"])
    assert str(error.value) == f"build hook `{hook}` in {source} failed with exit code 3:\n{tail}"
    assert not (tmp_path / "out").exists()


def test_failing_build_hook_without_output(source, tmp_path):
    with pytest.raises(ArtifactError) as error:
        build(source, command="./server", build="false", out_dir=tmp_path / "out")
    assert str(error.value) == f"build hook `false` in {source} failed with exit code 1 (no output)"


def test_build_hook_timeout(source, monkeypatch):
    with pytest.raises(ArtifactError) as error:
        artifact.run_build_hook(source, "echo started; sleep 5", timeout=0.5)
    assert str(error.value) == f"build hook `echo started; sleep 5` in {source} did not finish within 0.5 s:\nstarted"


def test_executable_missing_after_the_build(source, tmp_path):
    with pytest.raises(ArtifactError) as error:
        build(source, command="./server2", build="true", out_dir=tmp_path / "out")
    assert str(error.value) == f"the command's executable ./server2 is not in {source} after the build hook `true` ran"


def test_missing_source(tmp_path):
    with pytest.raises(ArtifactError) as error:
        build(tmp_path / "nope", command="./server", out_dir=tmp_path / "out")
    assert str(error.value) == f"the source folder {tmp_path / 'nope'} does not exist"


def test_refuses_more_than_the_unzipped_limit(source, tmp_path, write_file, monkeypatch):
    write_file(source / "big.bin", b"x" * 3 * 1024 * 1024)
    monkeypatch.setattr(artifact, "MAX_UNZIPPED_BYTES", 2 * 1024 * 1024)
    with pytest.raises(ArtifactError) as error:
        build(source, command="./server", out_dir=tmp_path / "out")
    message = str(error.value)
    # The shim ships in the zip too: its own size is in the total.
    assert re.match(r"the app is 3\.\d MB unzipped, above Lambda's 2\.0 MB limit for unzipped code; "
                    r"largest files: big\.bin \(3\.0 MB\), ", message), message
    assert message.endswith("; list what need not ship in .skyliftignore")
    assert not (tmp_path / "out" / "web.zip").exists()


def test_builds_a_zip_over_the_direct_upload_limit_for_s3(source, tmp_path, write_file, monkeypatch):
    """The App sends such a zip through S3 (tests/skylift/app/test_artifact_bucket.py)."""
    write_file(source / "noise.bin", os.urandom(3 * 1024 * 1024))  # random bytes do not compress
    monkeypatch.setattr(artifact, "MAX_ZIPPED_BYTES", 2 * 1024 * 1024)
    built = build(source, command="./server", out_dir=tmp_path / "out")
    assert built.size > artifact.MAX_ZIPPED_BYTES
    assert [path.name for path in (tmp_path / "out").iterdir()] == [built.path.name]


def test_shim_pycache_and_bytecode_are_left_out(tmp_path, write_file, monkeypatch, source):
    fake_shim = tmp_path / "shim" / "skylift_shim"
    write_file(fake_shim / "__init__.py", "")
    write_file(fake_shim / "events" / "schedule.py", "")
    write_file(fake_shim / "__pycache__" / "__init__.cpython-313.pyc", b"\0")
    write_file(fake_shim / "stale.pyc", b"\0")
    monkeypatch.setattr(skylift_shim, "__file__", str(fake_shim / "__init__.py"))
    built = build(source, command="./server", out_dir=tmp_path / "out")
    assert [name for name in names(built.path) if name.startswith("skylift_shim/")] == [
        "skylift_shim/__init__.py", "skylift_shim/events/schedule.py"]


def test_source_with_its_own_skylift_shim_is_refused(source, tmp_path, write_file):
    write_file(source / "skylift_shim" / "handler.py", "")
    with pytest.raises(ArtifactError) as error:
        build(source, command="./server", out_dir=tmp_path / "out")
    assert str(error.value) == (f"{source} has its own skylift_shim (skylift_shim/handler.py), "
                                f"which would clash with the shim skylift adds")


def test_skyliftignore_in_a_build(source, tmp_path, write_file):
    write_file(source / ".skyliftignore", "# not needed at run time\nstatic/\n*.sh\n!keep.sh\n")
    write_file(source / "keep.sh", "#!/bin/sh\n", executable=True)
    built = build(source, command="./server", out_dir=tmp_path / "out")
    assert [name for name in names(built.path) if not name.startswith("skylift_shim/")] == [
        "keep.sh", "lib/mod.py", "server"]


FILES = [
    "README.md", "server", "notes.txt", "docs/guide.md", "docs/api/ref.md", "src/main.go", "src/util/x.go",
    "src/util/x_test.go", "build/out.o", "tools/build/gen.py", "logs/a.log", "deep/er/logs/b.log", "a/b/c/d.txt",
    "debug.log", "important.log", "[x].txt",
]


IGNORE_CASES = [
    ([], FILES),
    (["*.md"], [f for f in FILES if not f.endswith(".md")]),
    (["/README.md"], [f for f in FILES if f != "README.md"]),
    (["docs/"], [f for f in FILES if not f.startswith("docs/")]),
    (["/build"], [f for f in FILES if f != "build/out.o"]),
    (["build/"], [f for f in FILES if f not in ("build/out.o", "tools/build/gen.py")]),
    (["logs"], [f for f in FILES if "logs/" not in f]),
    (["**/logs/*.log"], [f for f in FILES if "logs/" not in f]),
    (["src/**/*_test.go"], [f for f in FILES if f != "src/util/x_test.go"]),
    (["src/**"], [f for f in FILES if not f.startswith("src/")]),
    (["a/**/d.txt"], [f for f in FILES if f != "a/b/c/d.txt"]),
    (["docs/*.md"], [f for f in FILES if f != "docs/guide.md"]),
    (["*.log", "!important.log"], [f for f in FILES if not f.endswith(".log") or f == "important.log"]),
    # As in git, a file inside an ignored folder cannot be re-included.
    (["logs/", "!logs/a.log"], [f for f in FILES if "logs/" not in f]),
    (["notes.tx?"], [f for f in FILES if f != "notes.txt"]),
    (["[nR]*"], [f for f in FILES if f not in ("README.md", "notes.txt")]),
    (["[!a-z]*.md"], [f for f in FILES if f != "README.md"]),
    (["\\[x\\].txt"], [f for f in FILES if f != "[x].txt"]),
    (["# comment", "", "   "], FILES),
    (["*", "!server"], ["server"]),
    # Only the folder's contents are ignored, not the folder: its files can come back.
    (["logs/*", "!logs/a.log"], FILES),
    # An inner slash anchors the pattern to the root: deep/er/logs/b.log stays.
    (["logs/*.log"], [f for f in FILES if f != "logs/a.log"]),
    (["src/util"], [f for f in FILES if not f.startswith("src/util/")]),
    (["**/build"], [f for f in FILES if f not in ("build/out.o", "tools/build/gen.py")]),
    # Everything but Markdown, at any depth: folders must be re-included for their files to be seen.
    (["*", "!*/", "!*.md"], ["README.md", "docs/guide.md", "docs/api/ref.md"]),
    # A folder-only glob ignores docs/ and deep/; docs/api/ cannot come back from inside an ignored folder.
    (["d*/", "!docs/api/"], [f for f in FILES if not f.startswith(("docs/", "deep/"))]),
    # "docs/**" is everything inside docs, not docs itself: a file directly in it can come back.
    (["docs/**", "!docs/guide.md"], [f for f in FILES if f != "docs/api/ref.md"]),
    (["*.LOG"], FILES),
    (["notes.txt\\ "], FILES),
]


@pytest.mark.parametrize("patterns,kept", IGNORE_CASES)
def test_ignore_rules(tmp_path, write_file, patterns, kept):
    for name in FILES:
        write_file(tmp_path / name, name)
    (tmp_path / ".skyliftignore").write_text("\n".join(patterns) + "\n")
    found = [name for name, _ in artifact._walk(tmp_path, IgnoreRules.from_file(tmp_path / ".skyliftignore"))]
    assert sorted(found) == sorted(kept)


def git_kept(folder: Path, patterns: list[str]) -> list[str]:
    """The files git would add from ``folder`` with ``patterns`` as its .gitignore: the reference."""
    (folder / ".gitignore").write_text("\n".join(patterns + ["/.gitignore", "/.git/"]) + "\n")
    # No user or system git configuration: only the .gitignore decides.
    environment = {**os.environ, "HOME": str(folder), "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    if not (folder / ".git").exists():
        subprocess.run(["git", "init", "-q"], cwd=folder, env=environment, check=True)
    listed = subprocess.run(["git", "ls-files", "-z", "--others", "--exclude-standard"], cwd=folder,
                            env=environment, check=True, capture_output=True, text=True).stdout
    return sorted(name for name in listed.split("\0") if name)


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@needs_git
@pytest.mark.parametrize("patterns,kept", IGNORE_CASES)
def test_git_keeps_the_same_files_for_the_same_patterns(tmp_path, write_file, patterns, kept):
    for name in FILES:
        write_file(tmp_path / name, name)
    assert git_kept(tmp_path, patterns) == sorted(kept)


PATTERN_PARTS = ["*", "*/", "**", "**/", "/*", "?", "*.md", "*.log", "d*/", "[!d]*", "x*", "docs", "docs/", "/docs",
                 "docs/*", "docs/**", "docs/api/", "docs/guide.md", "**/logs", "logs/", "logs/*", "build", "build/",
                 "/build/", "src/", "src/**", "src/util", "src/**/*.go", "**/*.go", "a/**/d.txt", "*/**", "deep/",
                 "/", "[", "notes.txt\\ "]


@needs_git
@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from(PATTERN_PARTS)), min_size=1, max_size=5))
def test_any_ignore_file_keeps_what_git_keeps(tmp_path_factory, patterns):
    folder = tmp_path_factory.getbasetemp() / "git-reference"
    if not folder.exists():
        # Plus folders named like others at another depth, where anchoring and folder-only patterns tell.
        for name in FILES + ["docs/build/x.md", "src/logs/x.go"]:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(name)
    lines = [("!" if negated else "") + part for negated, part in patterns]
    found = [name for name, _ in artifact._walk(folder, IgnoreRules(lines)) if not name.startswith(".")]
    assert sorted(found) == git_kept(folder, lines)


def test_ignore_rules_directory_only_patterns():
    rules = IgnoreRules(["cache/"])
    assert rules.ignored("cache", is_dir=True)
    assert not rules.ignored("cache", is_dir=False)
    assert rules.ignored("x/cache", is_dir=True)


def test_build_app_holds_the_binary_to_a_set_architecture_and_lets_auto_follow_it(source, tmp_path):
    args = {"source": str(source), "command": "./server", "build": "true"}
    with pytest.raises(ArtifactError) as error:
        build_app({**args, "architecture": "arm64"}, tmp_path / "out")
    assert str(error.value) == ("./server is an x86_64 ELF binary, but the function's architecture is arm64 "
                                "(after the build hook `true`)")
    assert build_app({**args, "architecture": "auto"}, tmp_path / "out").architecture == "x86_64"
