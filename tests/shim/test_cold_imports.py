"""What the shim imports on the way to its first answer, in a fresh interpreter as Lambda's runtime
runs it: none of the standard modules that each cost a millisecond or more of every cold start
(benchmarks/cold_start.py --importtime shows what remains)."""

import json
import sys

from shim_support import APP_SERVER
from test_lambda_init import run_python

# socket: ~3.5 ms on 3.13 (enum conversions, selectors); urllib.parse: ~4 ms (ipaddress); base64: ~1 ms;
# http: enum machinery; encodings.idna: what getaddrinfo() loads for a str host.
COSTLY = ["base64", "encodings.idna", "http", "ipaddress", "selectors", "socket", "urllib.parse"]

FIRST_ANSWER = """
import json, sys
before = set(sys.modules)
import skylift_shim
from skylift_shim import main

class Context:
    aws_request_id = "cold-1"
    def get_remaining_time_in_millis(self):
        return 5000

event = {"version": "2.0", "rawPath": "/hi", "rawQueryString": "a=1", "headers": {"accept": "*/*"},
         "requestContext": {"http": {"method": "GET", "sourceIp": "192.0.2.1"}}, "isBase64Encoded": False}
result = skylift_shim.handler(event, Context())
loaded = set(sys.modules) - before
main.shutdown()
print(json.dumps({"status": result["statusCode"], "target": json.loads(result["body"])["target"],
                  "costly": sorted(loaded & set(json.loads(sys.argv[1])))}))
"""


def test_the_first_answer_to_a_plain_get_imports_none_of_the_costly_modules(tmp_path):
    # With a schedule's private path too, as a deploy with schedules has it: every request is checked.
    done = run_python(FIRST_ANSWER.replace("sys.argv[1]", repr(json.dumps(COSTLY))),
                      {"LAMBDA_TASK_ROOT": str(tmp_path), "SKYLIFT_COMMAND": f"{sys.executable} {APP_SERVER}",
                       "SKYLIFT_PRIVATE_PATHS": "/tasks/refresh"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"status": 200, "target": "/hi?a=1", "costly": []}
