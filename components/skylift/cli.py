"""The `skylift` command. Glue only: dev, invoke, plan and build work in skylift.local;
logs, versions and rollback talk to AWS through skylift.operations."""

import json
import sys
from pathlib import Path

import click

from skylift.errors import SkyliftError


class UsageError(click.ClickException):
    """A problem the user can fix: printed as 'Error: ...', exit code 2, no traceback."""

    exit_code = 2


class _Commands(click.Group):
    """Every command's SkyliftError becomes a UsageError; any other exception is a bug and keeps its traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SkyliftError as error:
            raise UsageError(str(error)) from None


def _stack_option(function):
    return click.option("--stack", default="staging", show_default=True, help="Stack (stage) whose Pulumi.<stack>.yaml to use.")(function)


def _load(ctx: click.Context, stack: str):
    from skylift.local import project

    return project.load_stack(ctx.obj["cwd"], stack)


@click.group(cls=_Commands)
@click.option("--cwd", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              help="Project folder holding Pulumi.yaml and Pulumi.<stack>.yaml.")
@click.pass_context
def main(ctx: click.Context, cwd: Path) -> None:
    """Run an ordinary HTTP server on AWS Lambda; locally with Lambda's semantics."""
    ctx.obj = {"cwd": cwd.resolve()}


@main.command()
@_stack_option
@click.option("--port", default=3000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Execution environments; each runs --concurrency invocations at a time.")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Invocations each environment takes at once (sets AWS_LAMBDA_MAX_CONCURRENCY, "
                   "as Lambda Managed Instances do).")
@click.option("--freeze/--no-freeze", default=True, show_default=True,
              help="Stop the app's processes between invocations, as Lambda does.")
@click.option("--stream-port", type=click.IntRange(0, 65535), default=None,
              help="Also serve the function URL of a `streaming: true` stack here: answers stream as the app writes them.")
@click.pass_context
def dev(ctx, stack, port, workers, concurrency, freeze, stream_port):
    """Serve the app at http://127.0.0.1:PORT through the shim, as Lambda would run it."""
    from skylift.local import dev as dev_server

    stack_config = _load(ctx, stack)
    dev_server.serve(stack_config, port=port, workers=workers, freeze=freeze, concurrency=concurrency,
                     stream_port=stream_port)


@main.command()
@_stack_option
@click.argument("event_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--schedule", "schedule_name", help="Invoke with this schedule's input.")
@click.option("--get", "get_path", help="Invoke with an HTTP API GET event for this path.")
@click.option("--url", help="Send the event to a running `skylift dev` at this URL instead of a fresh worker.")
@click.pass_context
def invoke(ctx, stack, event_file, schedule_name, get_path, url):
    """One invocation through the shim; prints the Lambda result JSON."""
    from skylift.local import invoke as invoking

    if sum(x is not None for x in (event_file, schedule_name, get_path)) != 1:
        raise UsageError("give exactly one of EVENT.json, --schedule NAME, --get PATH")
    if event_file is not None:
        event = invoking.file_event(event_file)
        stack_config = None if url else _load(ctx, stack)
    else:
        stack_config = _load(ctx, stack)
        event = invoking.schedule_event(stack_config, schedule_name) if schedule_name else invoking.get_event(get_path)
    if url:
        result, failed = invoking.invoke_remote(url, event)
    else:
        invocation = invoking.invoke_locally(stack_config, event)
        result, failed = invocation.lambda_result(), invocation.outcome != "ok"
    click.echo(json.dumps(json.loads(result), indent=2, ensure_ascii=False))
    if failed:
        sys.exit(1)


@main.command()
@_stack_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.option("--update", is_flag=True, help="Rewrite tests/snapshots/<stack>.txt with this plan.")
@click.pass_context
def plan(ctx, stack, as_json, update):
    """What `pulumi up` would create, offline: the program run under mocks."""
    from skylift.plan import render as planning

    _load(ctx, stack)
    resources = planning.plan(ctx.obj["cwd"], stack)
    if update:
        path = planning.snapshot_path(ctx.obj["cwd"], stack)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(planning.render_text(resources))
        click.echo(f"skylift plan: wrote {path}")
        return
    click.echo(planning.render_json(resources) if as_json else planning.render_text(resources), nl=False)


def _describe_bytecode(built, runtime) -> str:
    from skylift.artifact import MAX_UNZIPPED_BYTES

    if built.bytecode:
        return f".pyc for {built.bytecode} beside each of {built.bytecode_files} .py files"
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if runtime == f"python{here}":
        return f"none (with them the code would be over Lambda's {MAX_UNZIPPED_BYTES >> 20} MB unzipped limit)"
    return (f"none (this Python is {here}, the function runs {runtime}; build with {runtime} "
            "to ship .pyc and spare every cold start compiling the shim)")


@main.command()
@_stack_option
@click.pass_context
def build(ctx, stack):
    """Build the deployment zip and describe it."""
    from skylift.local import project

    stack_config = _load(ctx, stack)
    built = project.build_artifact(stack_config, project.build_dir(ctx.obj["cwd"], stack))
    for warning in built.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"path: {built.path}")
    click.echo(f"size: {built.size} bytes ({built.unzipped_size} unzipped)")
    click.echo(f"sha256: {built.sha256}")
    click.echo(f"architecture: {built.architecture}")
    click.echo(f"bytecode: {_describe_bytecode(built, stack_config.args.get('runtime'))}")
    click.echo("largest files:")
    for name, size in built.largest:
        click.echo(f"  {size:>10}  {name}")


def _target(ctx: click.Context, stack: str):
    from skylift.operations import target

    return target.locate(ctx.obj["cwd"], stack)


@main.command()
@_stack_option
@click.option("--since", default="10m", show_default=True, help="How far back to start: 30s, 10m, 2h, 1d.")
@click.option("--follow", is_flag=True, help="Keep printing new lines until Ctrl-C.")
@click.option("--filter", "pattern", metavar="TEXT",
              help='A CloudWatch Logs filter pattern: a word, a "quoted phrase", or { $.level = "ERROR" }.')
@click.option("--access", is_flag=True, help="The HTTP API's access log instead of the function's log.")
@click.pass_context
def logs(ctx, stack, since, follow, pattern, access):
    """The deployed function's log lines, oldest first; the shim's JSON lines made readable."""
    from skylift.operations import logs as log_lines

    target = _target(ctx, stack)
    group = log_lines.log_group(target, access=access)

    def emit(event):
        click.echo(log_lines.render(event, access=access))

    start = log_lines.since_milliseconds(since)
    if not follow:
        for event in log_lines.fetch(target, group, start, pattern):
            emit(event)
        return
    try:
        log_lines.follow(target, group, start, pattern, emit)
    except KeyboardInterrupt:
        return


@main.command()
@_stack_option
@click.pass_context
def versions(ctx, stack):
    """The function's published versions, newest first; * marks the one `live` points at."""
    from skylift.operations import versions as published_versions

    target = _target(ctx, stack)
    listed, live = published_versions.published(target), published_versions.live_version(target)
    click.echo("\n".join(published_versions.table(listed, live)))


@main.command()
@_stack_option
@click.option("--to", "to_version", type=click.IntRange(1),
              help="Version to point live at (default: the one before it).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def rollback(ctx, stack, to_version, yes):
    """Point the `live` alias at an earlier version: all traffic moves at once, nothing is deployed."""
    from skylift.naming import LIVE_ALIAS
    from skylift.operations import OperationError, versions as published_versions

    target = _target(ctx, stack)
    change = published_versions.choose(target, to_version)
    question = (f"Point {target.function_name}:{LIVE_ALIAS} (stack {stack}) from version {change.from_version} "
                f"to version {change.to_version}?")
    if not yes:
        if not sys.stdin.isatty():
            raise OperationError(f"{question} Not on a terminal, so not asking: pass --yes to roll back")
        click.confirm(question, abort=True)
    published_versions.apply(target, change)
    click.echo(f"{target.function_name}:{LIVE_ALIAS} now points at version {change.to_version} "
               f"(was {change.from_version}).")
    click.echo(f"This lasts until the next `pulumi up -s {stack}` that publishes a version (or any "
               f"`pulumi up --refresh`), which points {LIVE_ALIAS} at the newest code again: to stay back, "
               f"revert the change and deploy.")
