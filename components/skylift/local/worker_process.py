"""The program a `skylift dev` worker runs: Lambda's Python runtime in miniature.

Run as a script (`python -I -S worker_process.py TASK_ROOT IN_FD OUT_FD HANDLER`),
not imported: standard library only, nothing of the deployer's environment.
Like Lambda's runtime it imports the handler once (the init phase: the shim
starts the app here), then runs one invocation at a time. Events and results
travel over a pipe, because the app and the shim write their logs to stdout.

Frames: one kind byte, a 4-byte big-endian length, the payload.
  parent -> worker  b"V" JSON {"event", "requestId", "deadlineMs", "functionArn"}
  worker -> parent  b"R" ready (init done) | b"I" init error JSON
                    b"O" the result JSON, serialised as the runtime does | b"E" error JSON
"""

import importlib
import json
import os
import struct
import sys
import time
import traceback

_HEADER = struct.Struct(">cI")


def read_frame(stream):
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None, None
    kind, length = _HEADER.unpack(header)
    payload = stream.read(length)
    if len(payload) < length:
        return None, None
    return kind, payload


def write_frame(stream, kind, payload):
    stream.write(_HEADER.pack(kind, len(payload)) + payload)
    stream.flush()


class Context:
    """The context object Lambda's Python runtime passes to a handler."""

    def __init__(self, request_id, deadline_ms, function_arn):
        self.aws_request_id = request_id
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")
        self.invoked_function_arn = function_arn
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


def error_payload(error, error_type=None, message=None):
    return json.dumps(
        {
            "errorMessage": message if message is not None else str(error),
            "errorType": error_type or type(error).__name__,
            "requestId": "",
            "stackTrace": traceback.format_tb(error.__traceback__),
        }
    ).encode()


def main(argv):
    task_root, in_fd, out_fd, handler_name = argv[1], int(argv[2]), int(argv[3]), argv[4]
    sys.path.insert(0, task_root)
    inbox = os.fdopen(in_fd, "rb")
    outbox = os.fdopen(out_fd, "wb")
    module_name, _, function_name = handler_name.rpartition(".")
    try:
        handler = getattr(importlib.import_module(module_name), function_name)
    except Exception as error:  # what Lambda reports as Runtime.ImportModuleError
        message = f"Unable to import module '{module_name}': {error}"
        write_frame(outbox, b"I", error_payload(error, "Runtime.ImportModuleError", message))
        return 1
    write_frame(outbox, b"R", b"")
    while True:
        kind, payload = read_frame(inbox)
        if kind is None:
            return 0
        message = json.loads(payload)
        context = Context(message["requestId"], message["deadlineMs"], message["functionArn"])
        try:
            result = json.dumps(handler(message["event"], context)).encode()
        except Exception as error:
            write_frame(outbox, b"E", error_payload(error))
        else:
            write_frame(outbox, b"O", result)
        sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
