"""Test-wide set-up: shared helpers in this folder (devserver.py, pulumi_internals.py) are importable from
every suite, and tests that must share a worker do."""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


UNGROUPED = pytest.StashKey[bool]()


def pytest_xdist_auto_num_workers(config):
    """What -n auto (pytest.ini) means: two workers per core."""
    # Most tests wait more than they compute (an app starting, a frozen worker, a timeout running out), so
    # one worker per core leaves the cores idle; on 2 cores the suite took 28-38 s with 4 workers, 43 s with 2.
    return 2 * len(os.sched_getaffinity(0))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Spot xdist_group tests that pytest-xdist failed to put together: they share a folder or a build."""
    # On a worker of --dist loadgroup, pytest-xdist tags each such test's node id with "@<group>"; from
    # pytest 9.2 the tag no longer takes (pytest-dev/pytest-xdist#1386) and the marks silently do nothing.
    if getattr(config.option, "loadgroup", False):
        for item in items:
            item.stash[UNGROUPED] = bool(item.get_closest_marker("xdist_group")) and "@" not in item.nodeid


@pytest.fixture(autouse=True)
def _grouped(request):
    if request.node.stash.get(UNGROUPED, False):
        pytest.fail("pytest-xdist did not keep this xdist_group test on one worker with its group; install what "
                    "requirements-dev.txt pins (pytest<9.2, pytest-dev/pytest-xdist#1386)", pytrace=False)
