"""Cold start of a Go net/http app on skylift, against AWS's own floor, under AWS's emulator.

Builds a minimal Go server, zips it as a deploy does (`skylift.artifact.build`, run by the
runtime's Python, as the deploy workflows run the function's Python version), unpacks the zip
into a task folder mounted read-only as /var/task is on Lambda, and times the first invoke of an
HTTP API event -> its answer (the emulator starts the runtime at the first invoke), for:

- floor:        awslambdaric with a handler that returns a constant (AWS's own cost);
- handler path: `aws-lambda-rie python3 -m awslambdaric skylift_shim.handler`, as AWS's python
  base image runs it, with the zip as built (bytecode included when built for the runtime);
- handler path without the zip's bytecode, to show what shipping it buys;
- loop path: a zip holding the runtime loop's wrapper (--wrapper, default
  skylift_shim/exec-wrapper) is also measured with AWS_LAMBDA_EXEC_WRAPPER at it: Lambda starts
  the runtime through the wrapper, which starts the app before Python (the tests/rie harness
  does the same);
- with --shim-ref REF (e.g. main): the handler path with the shim of that git commit, with and
  without .pyc, to show what a change to the shim buys, measured in the same run.

Runs are interleaved (9 rounds, --runs N, each path once per round). Prints the milliseconds each
path adds to the floor: the median over rounds of the difference within a round, and best minus
best (other load on the machine disturbs best runs least); and the first invocation's own duration
as the emulator reports it (small when the app was made ready during init).

    .venv/bin/python benchmarks/cold_start.py [--runtime-python PATH] [--runs N] [--shim-ref REF]
                                              [--wrapper FILE] [--realtime] [--importtime]

The runtime Python needs awslambdaric (`make bench-cold` makes .venv-runtime with it).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "rie"))

from harness import Emulator, unpack  # noqa: E402  (the emulator as the tests/rie suite runs it)

EVENT = (ROOT / "tests" / "events" / "httpapi-v2-minimal.json").read_bytes()
GO_SERVER = """package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello from go")) })
	log.Fatal(http.ListenAndServe("127.0.0.1:"+os.Getenv("PORT"), nil))
}
"""
FLOOR_HANDLER = 'def handler(event, context):\n    return {"statusCode": 200, "body": "hello from go"}\n'
ANSWER_TIMEOUT = 20.0
INVOKE_DONE = re.compile(r"INVOKE RTDONE\(status: \w+, produced bytes: \d+, duration: ([\d.]+)ms\)")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runtime-python", default=str(ROOT / ".venv-runtime" / "bin" / "python"),
                        help="the function runtime's Python, with awslambdaric installed")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--shim-ref", help="also measure the shim of this git commit")
    parser.add_argument("--wrapper", default="skylift_shim/exec-wrapper",
                        help="the runtime loop's AWS_LAMBDA_EXEC_WRAPPER, a file of the zip: each zip that has it "
                             "is also measured through it, as Lambda starts the runtime through it")
    parser.add_argument("--realtime", action="store_true",
                        help="run this and every measured process SCHED_FIFO (root), so other work on a "
                             "shared machine does not preempt them")
    parser.add_argument("--importtime", action="store_true",
                        help="print what the shim imports under the emulator (python -X importtime) first")
    return parser.parse_args()


def build_go_app(folder: Path) -> Path:
    source = folder / "go-app"
    source.mkdir()
    (source / "main.go").write_text(GO_SERVER)
    (source / "go.mod").write_text("module bench\n\ngo 1.19\n")
    subprocess.run(["go", "build", "-trimpath", "-ldflags=-s -w", "-o", "server", "."], cwd=source, check=True,
                   env=dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=mod"))
    (source / "main.go").unlink()
    (source / "go.mod").unlink()
    return source


def build_zip(runtime_python: str, source: Path, out_dir: Path, runtime: str, shim_root: Path = ROOT) -> dict:
    """The zip as `skylift build` makes it, by the runtime's own Python (the deploy workflows' case),
    with the shim found under ``shim_root``/components."""
    script = ("import json, sys; from pathlib import Path; from skylift.artifact import build; "
              "a = build(Path(sys.argv[1]), command='./server', out_dir=Path(sys.argv[2]), runtime=sys.argv[3]); "
              "print(json.dumps({'path': str(a.path), 'bytecode': a.bytecode}))")
    result = subprocess.run([runtime_python, "-c", script, str(source), str(out_dir), runtime], check=True,
                            capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=f"{shim_root / 'components'}:{ROOT / 'components'}"))
    return json.loads(result.stdout)


def task_folder(zip_path: Path, task: Path, *, keep_bytecode: bool) -> Path:
    """The zip unpacked as Lambda does (modes and times kept), with or without its .pyc."""
    unpack(zip_path, task)
    if not keep_bytecode:
        for cache in sorted(task.rglob("__pycache__")):
            shutil.rmtree(cache)
    return task


def first_answer_ms(runtime_python: str, task: Path, handler: str, environment: dict) -> tuple[float, float]:
    """Milliseconds from starting the emulator to the first invocation's answer, and the first
    invocation's own duration (the emulator's INVOKE RTDONE line)."""
    elapsed, log = cold_start(runtime_python, task, handler, environment)
    invoked = INVOKE_DONE.search(log)
    if not invoked:
        raise SystemExit(f"no INVOKE RTDONE line from the emulator:\n{log[-2000:]}")
    return elapsed * 1000, float(invoked.group(1))


def shim_imports(runtime_python: str, task: Path, environment: dict) -> list[str]:
    """`python -X importtime` lines of what the handler's import adds under the emulator: those after
    awslambdaric's own and before the end of init. (awslambdaric imports the handler with
    importlib.import_module, which importtime does not list: the shim's modules show at the top level.)"""
    _, log = cold_start(runtime_python, task, "skylift_shim.handler", environment, ["-X", "importtime"])
    init = log[:log.index("INIT RTDONE")].splitlines()
    lines = [line for line in init if line.startswith("import time:")]
    last_runtime = max(index for index, line in enumerate(lines) if "| awslambdaric" in line)
    added = lines[last_runtime + 1:]
    total = sum(int(line.split("|")[0].split(":")[1]) for line in added)
    return added + [f"total: {total} us"]


def cold_start(runtime_python: str, task: Path, handler: str, environment: dict, python_flags=()) -> tuple[float, str]:
    """Seconds from the first invoke (the emulator starts the runtime then) to its answer, checked, and
    what the emulator, the runtime and the app wrote."""
    command = [runtime_python, *python_flags, "-m", "awslambdaric", handler]
    # PYTHONPATH: the task folder, as on Lambda; awslambdaric comes from the runtime Python's own packages.
    with Emulator(task, {"PYTHONPATH": str(task), **environment}, handler=handler, command=command) as emulator:
        started = time.perf_counter()
        answer = emulator.invoke(EVENT, timeout=ANSWER_TIMEOUT)
        elapsed = time.perf_counter() - started
        log = emulator.output()
    result = answer.json()
    if answer.status != 200 or result.get("statusCode") != 200 or result.get("body") != "hello from go":
        raise SystemExit(f"unexpected answer from {handler}: {answer.body[:500]!r}\n{log[-2000:]}")
    return elapsed, log


def shim_of(ref: str, folder: Path) -> Path:
    """The shim's files at git commit ``ref``, under ``folder``/components/skylift_shim."""
    folder.mkdir()
    archive = subprocess.run(["git", "archive", ref, "components/skylift_shim"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x"], cwd=folder, input=archive, check=True)
    return folder


def main():
    options = parse_args()
    if options.realtime:
        # Inherited by the emulator, Python and the app; each blocks while waiting, so nothing spins.
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
    runtime_python = options.runtime_python
    version = subprocess.run([runtime_python, "-c", "import sys, awslambdaric; print('%d.%d' % sys.version_info[:2])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    runtime = f"python{version}"
    work = Path(tempfile.mkdtemp(prefix="skylift-cold-"))
    try:
        tasks, bytecode = prepare(work, runtime_python, runtime, options.shim_ref, options.wrapper)
        if options.importtime:
            task, _, environment = tasks["handler path"]
            print("\n".join(["what importing skylift_shim imports under the emulator (python -X importtime, us):",
                             *shim_imports(runtime_python, task, environment), ""]))
        samples = {name: [] for name in tasks}
        for _ in range(options.runs):
            for name, (task, handler, environment) in tasks.items():
                samples[name].append(first_answer_ms(runtime_python, task, handler, environment))
        report(samples, runtime, bytecode, options.runs, options.realtime)
    finally:
        for path in [work, *work.rglob("*")]:
            path.chmod(0o755)
        shutil.rmtree(work)


def prepare(work: Path, runtime_python: str, runtime: str, shim_ref: str | None,
            wrapper: str | None = None) -> tuple[dict, str | None]:
    """{path name: (read-only task folder, handler, environment)}, and the runtime the zip has .pyc for."""
    source = build_go_app(work)
    built = build_zip(runtime_python, source, work / "dist", runtime)
    shim = ("skylift_shim.handler", {"SKYLIFT_COMMAND": "./server"})
    tasks = {"floor": (floor_task(work / "floor"), "floor.handler", {}),
             "handler path": (task_folder(Path(built["path"]), work / "shim", keep_bytecode=True), *shim)}
    if built["bytecode"]:
        tasks["handler path, no .pyc"] = (task_folder(Path(built["path"]), work / "shim-nopyc", keep_bytecode=False), *shim)
    if shim_ref:
        old = build_zip(runtime_python, source, work / "dist-ref", runtime, shim_of(shim_ref, work / "ref"))
        for keep, suffix in ((True, ""), (False, ", no .pyc")):
            task = task_folder(Path(old["path"]), work / f"shim-ref{suffix}", keep_bytecode=keep)
            tasks[f"shim of {shim_ref}{suffix}"] = (task, *shim)
    return with_loop_paths(tasks, wrapper), built["bytecode"]


def with_loop_paths(tasks: dict, wrapper: str | None) -> dict:
    """Beside each handler path with .pyc whose zip holds ``wrapper``, the same zip through it."""
    paths = {}
    for name, (task, handler, environment) in tasks.items():
        paths[name] = (task, handler, environment)
        if wrapper and "no .pyc" not in name and (task / wrapper).is_file():
            loop = name.replace("handler path", "loop path") if name == "handler path" else f"{name}, loop path"
            paths[loop] = (task, handler, {**environment, "AWS_LAMBDA_EXEC_WRAPPER": str(task / wrapper)})
    return paths


def floor_task(task: Path) -> Path:
    task.mkdir()
    (task / "floor.py").write_text(FLOOR_HANDLER)
    return task


def report(samples: dict, runtime: str, bytecode, runs: int, realtime: bool) -> None:
    floor = [answer for answer, _ in samples["floor"]]
    print(f"skylift cold start under aws-lambda-rie + awslambdaric ({runtime}, read-only task folder, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}{', SCHED_FIFO' if realtime else ''}, "
          f"zip bytecode: {bytecode or 'none'})")
    print(f"first invoke -> its answer, runtime start included (ms), {runs} interleaved rounds; added: median over rounds of "
          "(path - floor) in the same round, and best - best; 1st invoke: that invocation's own duration")
    print(f"{'path':34} {'median':>8} {'added':>7} {'best':>8} {'added':>7} {'1st invoke':>11}")
    for name, values in samples.items():
        answers = [answer for answer, _ in values]
        median, best = statistics.median(answers), min(answers)
        added = ("", "") if name == "floor" else (
            f"{statistics.median(a - f for a, f in zip(answers, floor)):+7.1f}", f"{best - min(floor):+7.1f}")
        print(f"{name:34} {median:8.1f} {added[0]:>7} {best:8.1f} {added[1]:>7} "
              f"{statistics.median(invoked for _, invoked in values):11.1f}")


if __name__ == "__main__":
    main()
