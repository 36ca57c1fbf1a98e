"""Test-wide set-up: shared helpers in this folder (devserver.py) are importable from every suite."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
