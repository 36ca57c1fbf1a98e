"""Zip entry times from a real git repository: each file's last commit, the newest for the rest."""

import os
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from skylift import artifact
from skylift.artifact import ArtifactError, build
from skylift.local.project import unpack

T1, T2, T3, T4 = 1_600_000_000, 1_650_000_000, 1_700_000_001, 1_750_000_000


def git(repo: Path, *args, when: int | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    if when is not None:
        env.update(GIT_AUTHOR_DATE=f"@{when} +0200", GIT_COMMITTER_DATE=f"@{when} +0200")
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def commit(repo: Path, when: int, files: dict) -> None:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"at {when}", when=when)


@pytest.fixture
def repo(tmp_path) -> Path:
    """app/ in a git repository: a.txt changed at T1 and T3, static/b.css at T2; another folder at T4."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    commit(repo, T1, {"app/a.txt": "one\n", "app/server.py": "print()\n"})
    commit(repo, T2, {"app/static/b.css": "b {}\n"})
    commit(repo, T3, {"app/a.txt": "two\n"})
    commit(repo, T4, {"docs/later.md": "not in the zip\n"})
    (repo / "app" / "build-output.bin").write_bytes(b"\0\1")  # untracked
    return repo


def zip_times(zip_path: Path) -> dict:
    with zipfile.ZipFile(zip_path) as archive:
        return {info.filename: info.date_time for info in archive.infolist()}


def utc(seconds: int) -> tuple:
    # Zip times count in 2-second steps.
    return time.gmtime(seconds - seconds % 2)[:6]


def test_each_file_is_dated_by_its_last_commit_and_the_rest_by_the_newest(repo, tmp_path):
    built = build(repo / "app", command="python3 server.py", out_dir=tmp_path / "out")
    times = zip_times(built.path)
    shim = {name: times.pop(name) for name in list(times) if name.startswith("skylift_shim/")}
    assert times == {"a.txt": utc(T3), "server.py": utc(T1), "static/b.css": utc(T2), "build-output.bin": utc(T3)}
    assert set(shim.values()) == {utc(T3)}
    assert built.warnings == []


def test_unpacked_files_carry_the_times_as_lambda_keeps_them(repo, tmp_path):
    built = build(repo / "app", command="python3 server.py", out_dir=tmp_path / "out")
    task = unpack(built.path, tmp_path / "task")
    assert {name: int(os.stat(task / name).st_mtime) for name in ("a.txt", "static/b.css")} == {
        "a.txt": T3 - T3 % 2, "static/b.css": T2}


def test_same_commits_give_the_same_bytes_and_a_commit_moves_only_its_files(repo, tmp_path):
    first = build(repo / "app", command="python3 server.py", out_dir=tmp_path / "one")
    for path in (repo / "app").rglob("*"):
        os.utime(path, (1_800_000_000, 1_800_000_000))
    second = build(repo / "app", command="python3 server.py", out_dir=tmp_path / "two")
    assert first.path.read_bytes() == second.path.read_bytes()

    commit(repo, T4 + 100, {"app/static/b.css": "b { color: red }\n"})
    third = zip_times(build(repo / "app", command="python3 server.py", out_dir=tmp_path / "three").path)
    assert (third["static/b.css"], third["a.txt"], third["build-output.bin"]) == (utc(T4 + 100), utc(T3),
                                                                                   utc(T4 + 100))


def test_outside_git_source_date_epoch_dates_every_file(tmp_path, monkeypatch):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "server.py").write_text("print()\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T2))
    built = build(tmp_path / "app", command="python3 server.py", out_dir=tmp_path / "out")
    assert set(zip_times(built.path).values()) == {utc(T2)}
    assert built.warnings == []


def test_outside_git_without_source_date_epoch_is_1980_with_a_warning(tmp_path, monkeypatch):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "server.py").write_text("print()\n")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    built = build(tmp_path / "app", command="python3 server.py", out_dir=tmp_path / "out")
    assert set(zip_times(built.path).values()) == {(1980, 1, 1, 0, 0, 0)}
    assert built.warnings == [
        f"{tmp_path / 'app'} is not in a git work tree and SOURCE_DATE_EPOCH is not set: every file in the zip "
        "is dated 1980-01-01, so static files answer the same Last-Modified after a change; "
        "commit the app to git or set SOURCE_DATE_EPOCH"]


def test_untracked_source_in_a_repository_falls_back_like_outside_git(repo, tmp_path, monkeypatch):
    (repo / "new-app").mkdir()
    (repo / "new-app" / "server.py").write_text("print()\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(T1))
    built = build(repo / "new-app", command="python3 server.py", out_dir=tmp_path / "out")
    assert set(zip_times(built.path).values()) == {utc(T1)}


@pytest.mark.parametrize("value", ["soon", "-5", "1.5"])
def test_a_bad_source_date_epoch_is_an_error_naming_it(tmp_path, monkeypatch, value):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "server.py").write_text("print()\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(ArtifactError) as error:
        build(tmp_path / "app", command="python3 server.py", out_dir=tmp_path / "out")
    assert str(error.value) == f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, got {value!r}"


def test_a_plan_dates_every_entry_at_zips_epoch_however_deep_the_history(repo, tmp_path):
    with artifact.as_planned():
        planned = build(repo / "app", command="python3 server.py", out_dir=tmp_path / "plan")
    assert set(zip_times(planned.path).values()) == {(1980, 1, 1, 0, 0, 0)}
    assert planned.warnings == []
    # One more commit of the app moves a deploy's zip, not the plan's: a snapshot refreshed before
    # a commit still holds after it.
    commit(repo, T4 + 100, {"app/a.txt": "two\n", "app/server.py": "print()  # same content, new commit\n"})
    git(repo, "checkout", "-q", "HEAD~1", "--", "app/server.py")
    with artifact.as_planned():
        again = build(repo / "app", command="python3 server.py", out_dir=tmp_path / "plan-again")
    deployed = build(repo / "app", command="python3 server.py", out_dir=tmp_path / "deploy")
    assert again.sha256 == planned.sha256
    assert deployed.sha256 != planned.sha256
