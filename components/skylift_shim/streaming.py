"""Answer a function-URL invocation in Lambda's streaming mode, the body passed on as the app writes it.

The function URL's HTTP framing: content type application/vnd.awslambda.http-integration-response,
a JSON prelude (statusCode, headers, cookies), eight NUL bytes, then the body. A failure after the
prelude went out ends the stream with the Runtime API's error trailers.
"""

import json

from . import log
from . import main as shim
from .events import function_url
from .message import Response
from .relay import UpstreamFailed, UpstreamTimeout

CONTENT_TYPE = "application/vnd.awslambda.http-integration-response"
PRELUDE_END = b"\0" * 8
# Lambda's limit for a streamed response.
MAX_STREAM_BYTES = 200 * 1024 * 1024


def prelude(response: Response, event) -> bytes:
    result = function_url.to_result(Response(response.status, response.headers, b"", response.reason), event)
    del result["body"], result["isBase64Encoded"]
    return json.dumps(result).encode() + PRELUDE_END


def stream_answer(api, relay, event, request_id: str, deadline: float, trace_id: str | None) -> None:
    response = shim.invoke(event, request_id, deadline, trace_id=trace_id, relay=relay, exchange=_open)
    stream = api.stream(request_id, CONTENT_TYPE)
    stream.write(prelude(response, event))
    body = response.body
    if isinstance(body, bytes):
        stream.write(body)
        stream.finish()
        return
    try:
        for piece in body:
            if stream.sent + len(piece) > MAX_STREAM_BYTES:
                message = f"skylift: the app's response is over {MAX_STREAM_BYTES} bytes, Lambda's streaming limit"
                log.log("error", message)
                stream.abort("Skylift.ResponseTooLarge", message)
                return
            stream.write(piece)
    except (UpstreamTimeout, UpstreamFailed) as error:
        reason = shim.state.child.wait_exit(0.2) if shim.state.child else None
        message = f"skylift: {error}" + (f"; app {shim.state.child.command!r} {reason}" if reason else "")
        log.log("error", message, target=response.reason)
        stream.abort("Skylift." + type(error).__name__, message)
        return
    finally:
        body.close()
    stream.finish()


def _open(relay, request, deadline: float) -> Response:
    return relay.forward(request, deadline, stream=True)
