"""The .pyc the zip carries for the function's runtime: where they sit, that they are unchecked-hash
and byte-identical across builds, and that Python imports the shim from them out of the unpacked zip."""

import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import skylift_shim

from skylift import artifact
from skylift.local import project as projects

HERE = f"python{sys.version_info.major}.{sys.version_info.minor}"
OTHER = "python3.12" if HERE != "python3.12" else "python3.13"
TAG = sys.implementation.cache_tag
SHIM_DIR = Path(skylift_shim.__file__).parent


@pytest.fixture
def source(tmp_path):
    app = tmp_path / "web"
    (app / "lib").mkdir(parents=True)
    (app / "server.py").write_text("import lib.util\nprint(lib.util.VALUE)\n")
    (app / "lib" / "util.py").write_text("VALUE = 1\n")
    (app / "legacy.py").write_text("print 'python 2'\n")
    (app / "index.html").write_text("<h1>hi</h1>\n")
    return app


def build(source: Path, out_dir: Path, runtime: str | None = HERE) -> artifact.Artifact:
    return artifact.build(source, command="python3 server.py", out_dir=out_dir, runtime=runtime)


def bytecode_names(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as archive:
        return [name for name in archive.namelist() if "__pycache__" in name]


def shim_modules() -> list[str]:
    return sorted(path.relative_to(SHIM_DIR.parent).with_suffix("").as_posix()
                  for path in SHIM_DIR.rglob("*.py") if "__pycache__" not in path.parts)


def test_a_pyc_beside_every_py_file_that_compiles_where_import_looks(source, tmp_path):
    built = build(source, tmp_path / "out")
    expected = sorted([f"__pycache__/server.{TAG}.pyc", f"lib/__pycache__/util.{TAG}.pyc"]
                      + [f"{folder}/__pycache__/{name}.{TAG}.pyc" for folder, _, name in
                         (module.rpartition("/") for module in shim_modules())])
    assert bytecode_names(built.path) == expected  # legacy.py (Python 2) gets none and breaks nothing
    assert (built.bytecode, built.bytecode_files) == (HERE, len(expected))


def test_pyc_are_unchecked_hash_of_the_shipped_source(source, tmp_path):
    built = build(source, tmp_path / "out")
    with zipfile.ZipFile(built.path) as archive:
        pyc = archive.read(f"lib/__pycache__/util.{TAG}.pyc")
        shipped_source = archive.read("lib/util.py")
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, check_source off (PEP 552)
    assert pyc[8:16] == importlib.util.source_hash(shipped_source)


def test_zip_with_bytecode_is_byte_identical_across_builds_and_processes(source, tmp_path):
    first = build(source, tmp_path / "one")
    second = build(source, tmp_path / "two")
    script = ("import sys; from pathlib import Path; from skylift.artifact import build; "
              "print(build(Path(sys.argv[1]), command='python3 server.py', out_dir=Path(sys.argv[2]), "
              "runtime=sys.argv[3]).sha256)")
    fresh = subprocess.run([sys.executable, "-c", script, str(source), str(tmp_path / "three"), HERE],
                           capture_output=True, text=True, check=True).stdout.strip()
    assert first.bytecode_files > 0
    assert first.path.read_bytes() == second.path.read_bytes()
    assert fresh == first.sha256


def test_no_bytecode_for_another_runtime_version_or_none(source, tmp_path):
    for runtime in (OTHER, None):
        built = build(source, tmp_path / str(runtime), runtime=runtime)
        assert (bytecode_names(built.path), built.bytecode, built.bytecode_files) == ([], None, 0)


def test_no_bytecode_when_it_would_push_the_code_over_lambdas_unzipped_limit(source, tmp_path, monkeypatch):
    without = build(source, tmp_path / "plain", runtime=None)
    monkeypatch.setattr(artifact, "MAX_UNZIPPED_BYTES", without.unzipped_size)
    built = build(source, tmp_path / "tight")
    assert (bytecode_names(built.path), built.bytecode, built.unzipped_size) == ([], None, without.unzipped_size)


def test_no_bytecode_while_a_plan_is_made(source, tmp_path):
    with artifact.as_planned():
        built = build(source, tmp_path / "plan")
    assert bytecode_names(built.path) == []
    assert build(source, tmp_path / "deploy").bytecode == HERE


def test_python_imports_the_shim_from_the_zips_pyc(source, tmp_path):
    built = build(source, tmp_path / "out")
    task = projects.unpack(built.path, tmp_path / "task")
    modules = [module.replace("/", ".") for module in shim_modules() if not module.endswith("__init__")]
    # -v logs "code object from <file>": the .pyc when it was used, the .py when it compiled the source.
    script = f"import sys; sys.path.insert(0, {str(task)!r}); import " + ", ".join(modules)
    done = subprocess.run([sys.executable, "-v", "-c", script], capture_output=True, text=True, check=True)
    loaded = sorted(line.split("code object from ")[1].strip("'") for line in done.stderr.splitlines()
                    if "code object from " in line and line.split("code object from ")[1].startswith(f"'{task}"))
    assert loaded == sorted(str(task / name) for name in bytecode_names(built.path) if name.startswith("skylift_shim/"))
