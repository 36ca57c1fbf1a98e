"""The shim's own runtime loop against AWS's runtime client, through AWS's emulator, in one run.

Prints warm invoke p50/p99 and cold start (emulator start to the first answer; the emulator starts the
runtime at the first invoke) of:
  (a) AWS's runtime client (awslambdaric) with a handler returning a constant: the managed runtime's floor;
  (b) skylift_shim.handler under that client (AWS_LAMBDA_EXEC_WRAPPER unset);
  (c) the shim's own loop, started through exec-wrapper as Lambda starts it.
(b) and (c) relay a small HTTP API GET to the same app (tests/shim/app_server.py) in the same zip.
The variants take turns (cold starts interleaved, warm invokes in interleaved blocks).

    .venv/bin/python benchmarks/runtime_loop.py [--quick]
"""

import http.client
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "components")]

from rie.harness import Emulator, find_rie, function_environment, unpack  # noqa: E402
from skylift.local import project  # noqa: E402

QUICK = "--quick" in sys.argv
WARM_N = 300 if QUICK else 2000
COLD_N = 3 if QUICK else 10
BLOCK = 100
CONSTANT_HANDLER = 'def handler(event, context):\n    return {"statusCode": 200, "body": "ok"}\n'
EVENT = json.loads((ROOT / "tests" / "events" / "httpapi-v2-minimal.json").read_text())
EVENT.update(rawPath="/bench", rawQueryString="")


def build(scratch: Path):
    """(task root, function environment): the test app built by skylift as for a deploy, plus the constant handler."""
    (scratch / "app").mkdir()
    (scratch / "app" / "app_server.py").write_bytes((ROOT / "tests" / "shim" / "app_server.py").read_bytes())
    (scratch / "app" / "constant.py").write_text(CONSTANT_HANDLER)
    (scratch / "Pulumi.yaml").write_text("name: bench\nruntime: python\n")
    (scratch / "Pulumi.bench.yaml").write_text("config:\n  bench:command: python3 app_server.py\n  bench:timeout: 10\n")
    stack_config = project.load_stack(scratch, "bench")
    task_root = unpack(project.build_artifact(stack_config, scratch / "out").path, scratch / "task")
    return task_root, function_environment(stack_config)


def variants(task_root: Path, loop_environment: dict) -> dict:
    handler_environment = {k: v for k, v in loop_environment.items() if k != "AWS_LAMBDA_EXEC_WRAPPER"}
    return {
        "(a) awslambdaric, constant handler": lambda: Emulator(task_root, {}, handler="constant.handler"),
        "(b) shim as handler under awslambdaric": lambda: Emulator(task_root, handler_environment),
        "(c) the shim's own loop (exec-wrapper)": lambda: Emulator(task_root, loop_environment),
    }


def invoke(port: int, body: bytes) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request("POST", "/2015-03-31/functions/function/invocations", body)
    answer = connection.getresponse().read()
    connection.close()
    return answer


def cold_start(make) -> float:
    started = time.perf_counter()
    emulator = make().start()
    try:
        answer = json.loads(invoke(emulator.port, json.dumps(EVENT).encode()))
        elapsed = time.perf_counter() - started
        assert answer["statusCode"] == 200, answer
        return elapsed
    finally:
        emulator.stop()


def warm_samples(emulators: dict) -> dict:
    body = json.dumps(EVENT).encode()
    samples = {name: [] for name in emulators}
    for _ in range(0, WARM_N, BLOCK):
        for name, emulator in emulators.items():
            for _ in range(BLOCK):
                started = time.perf_counter()
                invoke(emulator.port, body)
                samples[name].append(time.perf_counter() - started)
    return samples


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    if find_rie() is None:
        print("AWS's Runtime Interface Emulator is not here: set SKYLIFT_RIE", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="skylift-bench-") as scratch:
        task_root, environment = build(Path(scratch))
        makers = variants(task_root, environment)
        colds = {name: [] for name in makers}
        for _ in range(COLD_N):
            for name, make in makers.items():
                colds[name].append(cold_start(make))
        emulators = {name: make().start() for name, make in makers.items()}
        try:
            for emulator in emulators.values():
                invoke(emulator.port, json.dumps(EVENT).encode())  # the runtime starts at the first invoke
            warm = warm_samples(emulators)
        finally:
            for emulator in emulators.values():
                emulator.stop()
    report(colds, warm)
    return 0


def report(colds: dict, warm: dict) -> None:
    print(f"skylift runtime loop vs AWS's runtime client, through the emulator "
          f"(python {sys.version.split()[0]}, {os.cpu_count()} CPUs; warm n={WARM_N}, cold n={COLD_N})")
    print(f"{'variant':42} {'warm p50':>9} {'p99':>8} {'cold (median)':>14}")
    p50 = {}
    for name in warm:
        p50[name] = statistics.median(warm[name])
        print(f"{name:42} {p50[name] * 1000:8.3f}ms {percentile(warm[name], 0.99) * 1000:7.3f}ms "
              f"{statistics.median(colds[name]) * 1000:12.1f}ms")
    a, b, c = list(p50)
    cold_b, cold_c = statistics.median(colds[b]), statistics.median(colds[c])
    print(f"warm p50 c/a {p50[c] / p50[a]:.2f}, c/b {p50[c] / p50[b]:.2f}; cold start c/b {cold_c / cold_b:.2f}")


if __name__ == "__main__":
    sys.exit(main())
