"""skylift.local: the app as Lambda would run it, on this machine, without a cloud account.

  httpapi.py         what API Gateway's HTTP API does around the function (events in, results out); pure
  worker_process.py  runs in a worker: Lambda's Python runtime in miniature (standard library only)
  worker.py          one execution environment: cold start, one invocation at a time, timeout, freeze
  session.py         signals to every process of a worker's session (freeze, thaw, stop)
  pool.py            --workers environments behind a queue
  server.py          the local HTTP API and the Runtime Interface Emulator's invoke path
  schedules.py       the stack's schedules, firing on their own
  project.py         stack config -> built, unpacked artifact and the environment Lambda gives it
  dev.py, invoke.py  `skylift dev` and `skylift invoke`

The offline plan (the Pulumi program under mocks) is skylift.plan.
"""
