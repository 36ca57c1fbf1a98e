"""skylift.local: the app as Lambda would run it, on this machine, without a cloud account.

  httpapi.py         what API Gateway's HTTP API does around the function (events in, results out); pure
  runtime_api.py     one environment's Lambda Runtime API (/next, /response, /error, /init/error, streams)
  worker_process.py  a Runtime API client calling a handler: Lambda's Python runtime in miniature
                     (standard library only; the function's AWS_LAMBDA_EXEC_WRAPPER wraps it, as on Lambda)
  worker.py          one execution environment: cold start, timeout, freeze once every poller waits in /next
  stream_url.py      the function URL in RESPONSE_STREAM mode: a streamed answer to the client chunk by chunk
  session.py         signals to every process of a worker's session (freeze, thaw, stop)
  pool.py            --workers environments (each taking --concurrency invocations) behind a queue
  server.py          the local HTTP API and the Runtime Interface Emulator's invoke path
  schedules.py       the stack's schedules, firing on their own
  project.py         stack config -> built, unpacked artifact and the environment Lambda gives it
  dev.py, invoke.py  `skylift dev` and `skylift invoke`

The offline plan (the Pulumi program under mocks) is skylift.plan.
"""
