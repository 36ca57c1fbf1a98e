"""The shim's environment contract: what the deployer writes, the shim reads back; every source keeps
the event-source contract."""

import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skylift_shim.environment import SettingsError, from_environ, function_environment
from skylift_shim.events import SOURCES
from skylift_shim.events.source import EventSource

commands = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), min_size=1).filter(str.strip)
paths = st.from_regex(r"/[A-Za-z0-9/._~-]{0,20}", fullmatch=True)


@given(command=commands, readiness_path=st.none() | paths,
       app_environment=st.dictionaries(st.from_regex(r"APP_[A-Z0-9_]{1,8}", fullmatch=True), st.text(max_size=20)))
def test_what_the_writer_writes_the_reader_reads_back(command, readiness_path, app_environment):
    args = {"command": command, "environment": app_environment}
    if readiness_path is not None:
        args["readiness_path"] = readiness_path
    environment = function_environment(args)
    settings = from_environ({**environment, "LAMBDA_TASK_ROOT": "/"})
    assert (settings.command, settings.ready_path) == (command, readiness_path)
    assert {name: environment[name] for name in app_environment} == app_environment


def test_schedule_paths_are_written_private_unless_public_and_read_back():
    schedules = [{"name": "a", "path": "/tasks/a?full=1"}, {"name": "b", "path": "/tasks/b", "public": True},
                 {"name": "c", "path": "/tasks/c"}, {"name": "a2", "path": "/tasks/a", "public": False}]
    environment = function_environment({"command": "./server", "schedules": schedules})
    assert environment["SKYLIFT_PRIVATE_PATHS"] == "/tasks/a\n/tasks/c"
    assert from_environ({**environment, "LAMBDA_TASK_ROOT": "/"}).private_paths == ("/tasks/a", "/tasks/c")


def test_the_writer_sets_only_what_differs_from_the_readers_defaults():
    # The wrapper makes the shim's own runtime loop the default: Lambda runs it in place of its client.
    assert function_environment({"command": "./server", "environment": {"B": "2", "A": "1"}}) == {
        "A": "1", "AWS_LAMBDA_EXEC_WRAPPER": "/var/task/skylift_shim/exec-wrapper", "B": "2",
        "SKYLIFT_COMMAND": "./server"}


def test_streaming_and_after_response_are_written_and_read_back():
    environment = function_environment({"command": "./server", "streaming": True, "after_response": 2.5})
    assert (environment["SKYLIFT_STREAMING"], environment["SKYLIFT_AFTER_RESPONSE"]) == ("1", "2.5")
    settings = from_environ({**environment, "LAMBDA_TASK_ROOT": "/", "AWS_LAMBDA_MAX_CONCURRENCY": "4"})
    assert (settings.streaming, settings.after_response, settings.concurrency) == (True, 2.5, 4)
    defaults = from_environ({"SKYLIFT_COMMAND": "./server", "LAMBDA_TASK_ROOT": "/"})
    assert (defaults.streaming, defaults.after_response, defaults.concurrency) == (False, 0.0, 1)


def test_reader_names_every_bad_variable_at_once():
    with pytest.raises(SettingsError) as raised:
        from_environ({"SKYLIFT_COMMAND": " ", "SKYLIFT_EVENTS_PATH": "events", "LAMBDA_TASK_ROOT": "/",
                      "SKYLIFT_PRIVATE_PATHS": "/ok\ntasks/refresh", "SKYLIFT_STREAMING": "true",
                      "SKYLIFT_AFTER_RESPONSE": "901", "AWS_LAMBDA_MAX_CONCURRENCY": "0"})
    assert raised.value.problems == [
        "SKYLIFT_COMMAND is required: the command line that starts the app, e.g. ./server",
        "SKYLIFT_EVENTS_PATH must be a path starting with /, got 'events'",
        "SKYLIFT_PRIVATE_PATHS must be paths starting with /, one per line, got 'tasks/refresh'",
        "SKYLIFT_STREAMING must be 1 or 0, got 'true'",
        "SKYLIFT_AFTER_RESPONSE must be a number of seconds from 0 to 900, got '901'",
        "AWS_LAMBDA_MAX_CONCURRENCY must be a whole number from 1 up, got '0'",
    ]


def signature_of(function):
    """Parameter names and defaults, without `self` (the Protocol's methods are a module's functions)."""
    parameters = list(inspect.signature(function).parameters.values())
    if parameters and parameters[0].name == "self":
        parameters = parameters[1:]
    return [(p.name, p.default) for p in parameters]


@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source.__name__.rsplit(".", 1)[1])
def test_every_source_keeps_the_event_source_contract(source):
    assert isinstance(source, EventSource)
    assert isinstance(source.NAME, str)
    for name in ("matches", "to_request", "to_result"):
        assert signature_of(getattr(source, name)) == signature_of(getattr(EventSource, name)), name

