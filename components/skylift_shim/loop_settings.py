"""The runtime loop's own settings, read from the environment the component sets."""

STREAMING = "SKYLIFT_STREAMING"
AFTER_RESPONSE = "SKYLIFT_AFTER_RESPONSE"
MAX_CONCURRENCY = "AWS_LAMBDA_MAX_CONCURRENCY"  # set by Lambda Managed Instances
MAX_AFTER_RESPONSE = 900.0  # Lambda's longest function timeout


class LoopSettings:
    __slots__ = ("streaming", "after_response", "concurrency")

    def __init__(self, streaming: bool = False, after_response: float = 0.0, concurrency: int = 1):
        self.streaming, self.after_response, self.concurrency = streaming, after_response, concurrency


def loop_settings(env) -> tuple:
    """(LoopSettings, problems): every bad variable named with what is allowed."""
    problems = []
    streaming = env.get(STREAMING, "0")
    if streaming not in ("0", "1"):
        problems.append(f"{STREAMING} must be 1 or 0, got {streaming!r}")
    after_response = 0.0
    raw = env.get(AFTER_RESPONSE, "")
    if raw:
        try:
            after_response = float(raw)
        except ValueError:
            after_response = -1.0
        if not 0 <= after_response <= MAX_AFTER_RESPONSE:
            problems.append(f"{AFTER_RESPONSE} must be a number of seconds from 0 to {MAX_AFTER_RESPONSE:g}, got {raw!r}")
    concurrency = 1
    raw = env.get(MAX_CONCURRENCY, "")
    if raw:
        concurrency = int(raw) if raw.isdigit() else 0
        if concurrency < 1:
            problems.append(f"{MAX_CONCURRENCY} must be a whole number from 1 up, got {raw!r}")
    return LoopSettings(streaming == "1", max(after_response, 0.0), max(concurrency, 1)), problems
