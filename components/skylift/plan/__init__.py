"""skylift.plan: what `pulumi up` would create, offline, without the Pulumi CLI or a cloud account.

  preview.py  runs the program's real __main__.py under Pulumi's mock monitor and records each registration
  render.py   that record as stable, reviewable text or JSON: `skylift plan` and tests/snapshots/<stack>.txt
"""
