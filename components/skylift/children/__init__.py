"""The App's optional and per-feature children, one module each: a function taking the parent App
(children are named f"{parent name}-<what>" and parented to it) and what it needs, returning what it made."""
