"""Work after the response (SKYLIFT_AFTER_RESPONSE), and many pollers against one app (AWS_LAMBDA_MAX_CONCURRENCY)."""

import threading
import time

import pytest
from shim_support import HERE, http_api_event, start_loop

from skylift_shim import main as shim
from skylift_shim.after_response import activity
from skylift_shim.environment import Settings
from skylift_shim.loop import poll
from skylift_shim.relay import Relay
from skylift_shim.runtime_api import RuntimeApi


@pytest.fixture
def loop_with(app):
    started = []

    def start(**loop_settings):
        app()
        started.append(start_loop(**loop_settings))
        return started[-1][0]

    yield start
    for api, thread in started:
        api.close()
        thread.join(5)


def next_call_after(api, answer) -> float:
    """Seconds from the posted answer to the loop's next GET /next."""
    deadline = time.monotonic() + 10
    while not [t for t in api.next_calls if t >= answer.finished_at] and time.monotonic() < deadline:
        time.sleep(0.01)
    return min(t for t in api.next_calls if t >= answer.finished_at) - answer.finished_at


def test_the_app_finishes_its_background_work_before_the_next_event(loop_with, tmp_path):
    api = loop_with(after_response=5)
    mark = tmp_path / "done"
    answer = api.invoke(http_api_event(raw_path="/background", query=f"cpu=0.5&mark={mark}"), "bg-1")
    assert (answer.result()["statusCode"], answer.result()["body"]) == (202, "accepted")
    waited = next_call_after(api, answer)
    assert mark.read_text() == "done"
    # It waited for the work (0.5 s), then stopped once the app was idle: well before the 5 s limit.
    assert 0.5 <= waited < 4


def test_without_after_response_the_loop_asks_for_the_next_event_at_once(loop_with, tmp_path):
    api = loop_with()
    mark = tmp_path / "done"
    answer = api.invoke(http_api_event(raw_path="/background", query=f"cpu=0.5&mark={mark}"), "bg-2")
    assert next_call_after(api, answer) < 0.5
    assert not mark.exists()  # still working: on Lambda it would now be frozen


def test_the_window_ends_early_when_the_app_is_idle(loop_with):
    api = loop_with(after_response=5)
    answer = api.invoke(http_api_event(raw_path="/idle"), "idle-1")
    assert next_call_after(api, answer) < 4  # the limit is 5 s


def test_activity_counts_cpu_and_outbound_connections_of_the_apps_process_group(app):
    app()
    shim.state.child.wait_ready(10)
    pid = shim.state.child.process.pid
    ticks, outbound = activity(pid, shim.state.settings.port) or (None, None)
    assert ticks is not None and outbound == 0
    assert activity(999999999, 1) is None


def test_many_pollers_share_one_app_each_with_its_own_connection_and_one_restart(app):
    app()
    api, threads = pollers(3)
    try:
        starts = []
        real_start = shim.state.child.start
        shim.state.child.start = lambda: (starts.append(time.monotonic()), real_start())[1]
        for number in range(3):
            api.submit(http_api_event(raw_path="/sleep", query="s=0.6"), f"c-{number}")
        answers = [api.wait(f"c-{number}").result()["body"] for number in range(3)]
        # Side by side: the first to wake saw all three in the app (one after another, each would see 1).
        assert "slept with 3 in flight" in answers, answers
        assert len(starts) == 1  # the cold start, by one poller while the others waited
        starts.clear()
        # A crash while two other requests are in flight fails all three, each naming the exit ...
        for number, path in enumerate(["/sleep", "/sleep", "/crash"]):
            api.submit(http_api_event(raw_path=path, query="s=0.5"), f"x-{number}")
            time.sleep(0.05)
        assert [api.wait(f"x-{number}").result()["body"] for number in range(3)] == [
            f"skylift: app {shim.state.child.command!r} exited with code 3 while handling the request; "
            "it will be restarted on the next invocation\n"] * 3
        # ... and the next three, side by side, restart it once, not three times.
        for number in range(3):
            api.submit(http_api_event(raw_path=f"/after/{number}"), f"y-{number}")
        assert [api.wait(f"y-{number}").result()["statusCode"] for number in range(3)] == [200] * 3
        assert len(starts) == 1
    finally:
        api.close()
        for poller in threads:
            poller.join(5)


def pollers(count):
    """`count` pollers as the loop starts them for AWS_LAMBDA_MAX_CONCURRENCY: own Runtime API and app connections."""
    from runtime_api_server import FakeRuntimeApi

    api = FakeRuntimeApi()
    settings = Settings(command="-", app_dir=str(HERE), port=0, concurrency=count)
    threads = [threading.Thread(target=poll, args=(settings, Relay(shim.state.settings.port), RuntimeApi(api.address)),
                                daemon=True) for _ in range(count)]
    for poller in threads:
        poller.start()
    return api, threads
