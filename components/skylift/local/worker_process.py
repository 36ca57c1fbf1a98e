"""The runtime a `skylift dev` worker starts: Lambda's Python runtime client in miniature.

Run as a script (`python -I -S worker_process.py TASK_ROOT HANDLER`), not imported: standard
library only, nothing of the deployer's environment. Like Lambda's runtime it imports the handler
once (the init phase), then polls the Runtime API at $AWS_LAMBDA_RUNTIME_API: next event, the
handler's result to /response or its exception to /error, an import failure to /init/error.
With AWS_LAMBDA_EXEC_WRAPPER set, the wrapper is started with this command line instead, as
Lambda starts it with the managed runtime's (the shim's wrapper runs its own loop).
"""

import http.client
import importlib
import json
import os
import sys
import time
import traceback

PREFIX = "/2018-06-01/runtime"


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


def post(api, path, body, headers=None):
    api.request("POST", PREFIX + path, body, headers or {})
    api.getresponse().read()


def main(argv):
    task_root, handler_name = argv[1], argv[2]
    sys.path.insert(0, task_root)
    host, _, port = os.environ["AWS_LAMBDA_RUNTIME_API"].rpartition(":")
    api = http.client.HTTPConnection(host, int(port))
    module_name, _, function_name = handler_name.rpartition(".")
    try:
        handler = getattr(importlib.import_module(module_name), function_name)
    except Exception as error:  # what Lambda reports as Runtime.ImportModuleError
        message = f"Unable to import module '{module_name}': {error}"
        post(api, "/init/error", error_payload(error, "Runtime.ImportModuleError", message))
        return 1
    while True:
        try:
            api.request("GET", PREFIX + "/invocation/next")
            answer = api.getresponse()
            event = answer.read()
        except OSError:
            return 0
        if answer.status != 200:
            return 0
        request_id = answer.getheader("Lambda-Runtime-Aws-Request-Id")
        context = Context(request_id, int(answer.getheader("Lambda-Runtime-Deadline-Ms")),
                          answer.getheader("Lambda-Runtime-Invoked-Function-Arn"))
        try:
            result = json.dumps(handler(json.loads(event), context)).encode()
        except Exception as error:
            post(api, f"/invocation/{request_id}/error", error_payload(error))
        else:
            post(api, f"/invocation/{request_id}/response", result)
        sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
