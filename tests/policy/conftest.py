"""The policy pack's folder (policy/) and this one's harness are importable from these tests."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "policy"), str(Path(__file__).parent)]
