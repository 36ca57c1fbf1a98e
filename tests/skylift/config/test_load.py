"""skylift.config.load and validate: defaults, decoding Pulumi's strings, and every problem with its exact message."""

import pytest

from skylift.config import ConfigError, EncryptedValue, function_environment, load, resolve_architecture, validate

X86_64, ARM64, ARM32 = 0x3E, 0xB7, 0x28  # ELF e_machine values

LOG_DAYS = "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653"
KNOWN = ("command, source, build, runtime, architecture, memory, timeout, ephemeralStorage, environment, "
         "logRetentionDays, schedules, readinessPath, throttle, reservedConcurrency, tags, streaming, afterResponse, scheduleRetries, "
         "scheduleMaxEventAge, tracing, kmsKeyArn, vpc, codeSigningConfigArn, authorizer, permissions, policyArns, "
         "domain, alarms, artifactBucket")
RESERVED = ("uses a reserved name: AWS_*, SKYLIFT_*, PORT and Lambda's own variables "
            "(LAMBDA_RUNTIME_DIR, LAMBDA_TASK_ROOT, _HANDLER, _X_AMZN_TRACE_ID) are set by Lambda or skylift")


def problems_of(project, **values):
    """The problems load reports for skylift:<key> values on top of a valid command."""
    config = {"skylift:command": "./server.py"}
    config.update({f"skylift:{key}": value for key, value in values.items()})
    with pytest.raises(ConfigError) as error:
        load(config, namespace="skylift", base_dir=project)
    assert str(error.value) == "\n".join(error.value.problems)
    return error.value.problems


def test_defaults_filled_and_source_made_absolute(project):
    args = load({"skylift:command": "./server.py", "aws:region": "eu-west-1"}, namespace="skylift", base_dir=project)
    assert args == {
        "command": "./server.py",
        "source": str(project / "app"),
        "runtime": "python3.13",
        "architecture": "arm64",
        "memory": 512,
        "timeout": 15,
        "ephemeral_storage": 512,
        "environment": {},
        "log_retention_days": 14,
        "schedules": [],
        "tags": {},
    }


def test_every_key_as_pulumi_hands_it_to_a_program(project):
    """pulumi.Config gives strings; objects and lists as JSON."""
    args = load({
        "skylift:command": "./server.py --port-from-env",
        "skylift:source": "app",
        "skylift:build": "true",
        "skylift:runtime": "python3.12",
        "skylift:architecture": "x86_64",
        "skylift:memory": "1024",
        "skylift:timeout": "30",
        "skylift:ephemeralStorage": "2048",
        "skylift:environment": '{"APP_STAGE": "production", "DB_URL": "postgres://db"}',
        "skylift:logRetentionDays": "90",
        "skylift:schedules": '[{"name": "refresh", "schedule": "rate(5 minutes)", "path": "/tasks/refresh"},'
                             ' {"name": "report", "schedule": "cron(0 6 ? * MON *)", "path": "/report",'
                             ' "method": "GET", "body": "{}"}]',
        "skylift:readinessPath": "/healthz",
        "skylift:throttle": '{"burstLimit": 50, "rateLimit": 12.5}',
        "skylift:reservedConcurrency": "5",
        "skylift:tags": '{"team": "web"}',
    }, namespace="skylift", base_dir=project)
    assert args == {
        "command": "./server.py --port-from-env",
        "source": str(project / "app"),
        "build": "true",
        "runtime": "python3.12",
        "architecture": "x86_64",
        "memory": 1024,
        "timeout": 30,
        "ephemeral_storage": 2048,
        "environment": {"APP_STAGE": "production", "DB_URL": "postgres://db"},
        "log_retention_days": 90,
        "schedules": [
            {"name": "refresh", "schedule": "rate(5 minutes)", "path": "/tasks/refresh", "method": "POST"},
            {"name": "report", "schedule": "cron(0 6 ? * MON *)", "path": "/report", "method": "GET", "body": "{}"},
        ],
        "readiness_path": "/healthz",
        "throttle": {"burst_limit": 50, "rate_limit": 12.5},
        "reserved_concurrency": 5,
        "tags": {"team": "web"},
    }


def test_keys_without_namespace_belong_to_the_project(project):
    args = load({"command": "./server.py", "memory": 256}, namespace="skylift", base_dir=project)
    assert (args["command"], args["memory"]) == ("./server.py", 256)


def test_other_namespaces_are_ignored(project):
    args = load({"go-feeds:command": "./feeds", "skylift:command": "./server.py"}, namespace="skylift",
                base_dir=project)
    assert args["command"] == "./server.py"


def test_a_namespace_other_than_skylift(project):
    with pytest.raises(ConfigError) as error:
        load({"go-feeds:command": "./server.py", "go-feeds:memory": 1}, namespace="go-feeds", base_dir=project)
    assert error.value.problems == ["go-feeds:memory must be an integer from 128 to 10240 (MB), got 1"]


@pytest.mark.parametrize("key,value,message", [
    ("memory", 100000, "skylift:memory must be an integer from 128 to 10240 (MB), got 100000"),
    ("memory", 127, "skylift:memory must be an integer from 128 to 10240 (MB), got 127"),
    ("memory", "lots", "skylift:memory must be an integer from 128 to 10240 (MB), got 'lots'"),
    ("memory", 512.5, "skylift:memory must be an integer from 128 to 10240 (MB), got 512.5"),
    ("memory", True, "skylift:memory must be an integer from 128 to 10240 (MB), got True"),
    ("timeout", 0, "skylift:timeout must be an integer from 1 to 900 (s), got 0"),
    ("timeout", 901, "skylift:timeout must be an integer from 1 to 900 (s), got 901"),
    ("timeout", 60, "skylift:timeout must be at most 30 (s), the HTTP API's integration timeout: a longer request "
                    "gets a 503 from API Gateway while the function still runs, got 60"),
    ("ephemeralStorage", 511, "skylift:ephemeralStorage must be an integer from 512 to 10240 (MB), got 511"),
    ("ephemeralStorage", 10241, "skylift:ephemeralStorage must be an integer from 512 to 10240 (MB), got 10241"),
    ("logRetentionDays", 10, f"skylift:logRetentionDays must be one of {LOG_DAYS} (days), got 10"),
    ("logRetentionDays", "forever", f"skylift:logRetentionDays must be one of {LOG_DAYS} (days), got 'forever'"),
    ("runtime", "python3.11", "skylift:runtime must be one of python3.12, python3.13, got 'python3.11'"),
    ("runtime", "nodejs20.x", "skylift:runtime must be one of python3.12, python3.13, got 'nodejs20.x'"),
    ("architecture", "amd64", "skylift:architecture must be one of auto, arm64, x86_64, got 'amd64'"),
    ("build", ["make"], "skylift:build must be a shell command line, got ['make']"),
    ("readinessPath", "healthz", "skylift:readinessPath must be a path starting with /, got 'healthz'"),
    ("reservedConcurrency", -1, "skylift:reservedConcurrency must be an integer of at least 0, got -1"),
    ("throttle", {"burstLimit": -5, "rateLimit": -1},
     "skylift:throttle.burstLimit must be an integer of at least 0 (requests), got -5\n"
     "skylift:throttle.rateLimit must be a number of at least 0 (requests per second), got -1"),
    ("throttle", {"burstLimit": 5, "rateLimt": 1},
     "skylift:throttle.rateLimt is not a known setting; did you mean rateLimit? (known: burstLimit, rateLimit)"),
    ("throttle", "fast", "skylift:throttle must be a map with burstLimit and rateLimit, got 'fast'"),
    ("tags", {"aws:owner": "me"}, "skylift:tags: 'aws:owner' is not a valid tag name (1 to 128 characters, "
                                  "not starting with aws:, which AWS reserves)"),
    ("tags", {"team": 5}, "skylift:tags.team must be a string of at most 256 characters, got 5"),
    ("tags", ["a"], "skylift:tags must be a map of name: value strings, got ['a']"),
    ("source", "missing", "skylift:source must be an existing folder: {project}/missing does not exist"),
])
def test_each_problem_has_its_exact_message(project, key, value, message):
    assert "\n".join(problems_of(project, **{key: value})) == message.format(project=project)


def test_integral_floats_pass_as_integers(project):
    """Pulumi's component provider may hand integers over as floats."""
    args = load({"skylift:command": "./server.py", "skylift:memory": 1024.0}, namespace="skylift", base_dir=project)
    assert args["memory"] == 1024
    assert validate({"command": "./server.py", "memory": 1024.0}, base_dir=project) == []


@pytest.mark.parametrize("command,message", [
    (None, "skylift:command is required: the shell command that starts the app, e.g. ./server"),
    ("", "skylift:command must be a shell command line that starts the app, e.g. ./server, got ''"),
    ("./missing --flag", "skylift:command runs ./missing, which is not a file in {project}/app"),
    ("./data.txt", "skylift:command runs ./data.txt, which is not executable (chmod +x {project}/app/data.txt)"),
    ("bin/arm32", "skylift:command runs bin/arm32, an ELF binary for unsupported ELF machine 0x28; "
                  "Lambda runs arm64 or x86_64 binaries"),
    ("server.py --flag", "skylift:command runs server.py, which /bin/sh looks up on PATH, not in the app folder; "
                         "write ./server.py to run the file {project}/app/server.py"),
])
def test_command_problems(project, command, message, write_file, make_elf):
    write_file(project / "app" / "data.txt", "data")
    write_file(project / "app" / "bin" / "arm32", make_elf(ARM32), executable=True)
    values = {} if command is None else {"skylift:command": command}
    with pytest.raises(ConfigError) as error:
        load(values, namespace="skylift", base_dir=project)
    assert error.value.problems == [message.format(project=project)]


@pytest.mark.parametrize("command", ["python3 server.py", "PYTHONUNBUFFERED=1 python3 -u server.py",
                                     "node index.js", "exec ./server.py",
                                     "/opt/bin/server --flag"])
def test_system_commands_are_accepted(project, command):
    assert load({"skylift:command": command}, namespace="skylift", base_dir=project)["command"] == command


def test_a_build_hook_may_create_the_executable(project):
    args = load({"skylift:command": "./server", "skylift:build": "go build -o server ."}, namespace="skylift",
                base_dir=project)
    assert args["architecture"] == "auto"  # known once the build ran: the artifact says


def test_a_build_hook_makes_auto_wait_for_the_build_even_if_a_stale_binary_exists(project, write_file, make_elf):
    write_file(project / "app" / "server", make_elf(X86_64), executable=True)
    args = load({"skylift:command": "./server", "skylift:build": "GOARCH=arm64 go build -o server ."},
                namespace="skylift", base_dir=project)
    assert args["architecture"] == "auto"


@pytest.mark.parametrize("machine,declared,message", [
    (X86_64, "arm64", "skylift:architecture is arm64 but ./server is an x86_64 ELF binary; set it to x86_64 or auto, "
                      "or build ./server for arm64"),
    (ARM64, "x86_64", "skylift:architecture is x86_64 but ./server is an arm64 ELF binary; set it to arm64 or auto, "
                      "or build ./server for x86_64"),
])
def test_elf_architecture_contradicting_the_setting(project, machine, declared, message, write_file, make_elf):
    write_file(project / "app" / "server", make_elf(machine), executable=True)
    assert problems_of(project, command="./server", architecture=declared) == [message]


@pytest.mark.parametrize("machine,big_endian,expected", [
    (X86_64, False, "x86_64"),
    (ARM64, False, "arm64"),
    (ARM64, True, "arm64"),
    (None, False, "arm64"),
])
def test_auto_architecture_from_the_executable(project, machine, big_endian, expected, write_file, make_elf):
    content = "#!/bin/sh\nexec python3 server.py\n" if machine is None else make_elf(machine, big_endian=big_endian)
    write_file(project / "app" / "server", content, executable=True)
    args = load({"skylift:command": "./server --flag"}, namespace="skylift", base_dir=project)
    assert args["architecture"] == expected
    assert resolve_architecture({**args, "architecture": "auto"}, base_dir=project) == expected


def test_matching_architecture_is_accepted(project, write_file, make_elf):
    write_file(project / "app" / "server", make_elf(X86_64), executable=True)
    args = load({"skylift:command": "./server", "skylift:architecture": "x86_64"}, namespace="skylift",
                base_dir=project)
    assert args["architecture"] == "x86_64"


def test_environment_problems(project):
    problems = problems_of(project, environment={
        "AWS_REGION": "eu-west-1",
        "SKYLIFT_COMMAND": "x",
        "PORT": "8080",
        "_HANDLER": "x",
        "LAMBDA_TASK_ROOT": "/var/task",
        "1BAD": "x",
        "bad-name": "x",
        "DEBUG": 1,
        "FINE": "yes",
    })
    assert problems == [
        f"skylift:environment.AWS_REGION {RESERVED}",
        f"skylift:environment.SKYLIFT_COMMAND {RESERVED}",
        f"skylift:environment.PORT {RESERVED}",
        f"skylift:environment._HANDLER {RESERVED}",
        f"skylift:environment.LAMBDA_TASK_ROOT {RESERVED}",
        "skylift:environment: '1BAD' is not a valid variable name (letters, digits and _, starting with a letter, "
        "at least two characters)",
        "skylift:environment: 'bad-name' is not a valid variable name (letters, digits and _, starting with a letter, "
        "at least two characters)",
        "skylift:environment.DEBUG must be a string (quote it in YAML), got 1",
    ]


def test_environment_not_a_map(project):
    assert problems_of(project, environment=["A=1"]) == [
        "skylift:environment must be a map of NAME: value, got ['A=1']"]


def test_environment_over_4_kb_counts_names_values_and_skylift_variables(project):
    # SKYLIFT_COMMAND=./server.py is 15 + 11 = 26 bytes, AWS_LAMBDA_EXEC_WRAPPER=/var/task/skylift_shim/exec-wrapper
    # 23 + 35 = 58; BIG plus its value must stay within 4096 - 84.
    fits = {"BIG": "x" * (4096 - 84 - 3)}
    assert load({"skylift:command": "./server.py", "skylift:environment": fits}, namespace="skylift",
                base_dir=project)["environment"] == fits
    # One more byte, as a multi-byte character in the value: bytes count, not characters.
    over = {"BIG": "x" * (4096 - 84 - 3 - 1) + "é"}
    assert problems_of(project, environment=over) == [
        "skylift:environment takes 4097 bytes (names and values, with the SKYLIFT_* variables skylift adds), "
        "above Lambda's 4 KB limit of 4096 bytes in total"]


def test_secret_environment_values_are_never_shown(project):
    with pytest.raises(ConfigError) as error:
        load({"skylift:command": "./server.py", "skylift:environment": {"TOKEN": 12345}}, namespace="skylift",
             base_dir=project, secret_keys={"skylift:environment"})
    assert error.value.problems == ["skylift:environment.TOKEN must be a string (quote it in YAML), got a secret value"]


def test_no_check_shows_a_secret_keys_value_nor_one_inside_it(project):
    # Under `pulumi up` a secret key's value reaches the checks decrypted; setting one sub-key
    # (`--secret --path skylift:authorizer.issuer`) makes the whole key secret.
    secret = "s3cr3t"
    values = {"skylift:command": "./server.py", "skylift:readinessPath": secret, "skylift:reservedConcurrency": -1,
              "skylift:tags": {"team": secret * 50}, "skylift:kmsKeyArn": secret,
              "skylift:authorizer": {"type": "jwt", "issuer": secret, "audiences": secret},
              "skylift:schedules": [{"name": secret, "schedule": "rate(1 minute)", "path": secret, "body": 1}],
              "skylift:throttle": secret}
    with pytest.raises(ConfigError) as error:
        load(values, namespace="skylift", base_dir=project, secret_keys=set(values) - {"skylift:command"})
    assert error.value.problems == [
        "skylift:schedules[0].path must be a path starting with /, got a secret value",
        "skylift:schedules[0].body must be a string (the request body), got a secret value",
        "skylift:readinessPath must be a path starting with /, got a secret value",
        "skylift:throttle must be a map with burstLimit and rateLimit, got a secret value",
        "skylift:reservedConcurrency must be an integer of at least 0, got a secret value",
        "skylift:tags.team must be a string of at most 256 characters, got a secret value",
        "skylift:kmsKeyArn must be the ARN of a symmetric customer-managed KMS key, "
        "arn:aws:kms:<region>:<account>:key/<id>, got a secret value",
        "skylift:authorizer.issuer must be the https:// URL of the token issuer, got a secret value",
        "skylift:authorizer.audiences must be a non-empty list of the accepted token audiences, got a secret value",
    ]


def test_encrypted_values_pass_and_count_by_name_only(project):
    args = load({"skylift:command": "./server.py", "skylift:environment": {"TOKEN": EncryptedValue("v1:" + "A" * 5000)}},
                namespace="skylift", base_dir=project)
    assert args["environment"] == {"TOKEN": "v1:" + "A" * 5000}
    assert type(args["environment"]["TOKEN"]) is EncryptedValue


SCHEDULE_MESSAGES = [
    ({"name": "refresh", "schedule": "rate(1 minutes)", "path": "/tasks/refresh"},
     ["skylift:schedules[0].schedule is not a valid schedule: 'rate(1 minutes)' must use the singular unit for a "
      "value of 1: rate(1 minute)"]),
    ({"name": "refresh", "schedule": "cron(0 12 * * * *)", "path": "/tasks/refresh"},
     ["skylift:schedules[0].schedule is not a valid schedule: 'cron(0 12 * * * *)' must have ? in exactly one of "
      "day-of-month and day-of-week (got '*' and '*'), e.g. cron(0 12 * * ? *)"]),
    ({"name": "refresh", "schedule": "rate(5 minutes)", "path": "tasks/refresh"},
     ["skylift:schedules[0].path must be a path starting with /, got 'tasks/refresh'"]),
    ({"name": "refresh", "schedule": "rate(5 minutes)", "path": "/x", "method": "FETCH"},
     ["skylift:schedules[0].method must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got 'FETCH'"]),
    ({"name": "refresh", "schedule": "rate(5 minutes)", "path": "/x", "body": {"a": 1}},
     ["skylift:schedules[0].body must be a string (the request body), got {'a': 1}"]),
    ({"name": "refresh", "schedule": "rate(5 minutes)", "path": "/x", "public": "yes"},
     ["skylift:schedules[0].public must be true or false (true lets HTTP clients request the schedule's path too), "
      "got 'yes'"]),
    ({"name": "re fresh", "schedule": "rate(5 minutes)", "path": "/x"},
     ["skylift:schedules[0].name must be 1 to 64 letters, digits, '.', '-' or '_' (it becomes part of the "
      "EventBridge rule name), got 're fresh'"]),
    ({"name": "refresh", "schedule": "rate(5 minutes)", "path": "/x", "methd": "GET"},
     ["skylift:schedules[0].methd is not a known setting; did you mean method? "
      "(known: name, schedule, path, method, body, public)"]),
    ({"path": "/x"},
     ["skylift:schedules[0].name is required", "skylift:schedules[0].schedule is required"]),
    ("rate(5 minutes)",
     ["skylift:schedules[0] must be a map with name, schedule and path (method, body, public optional), got 'rate(5 minutes)'"]),
]


@pytest.mark.parametrize("schedule,messages", SCHEDULE_MESSAGES)
def test_schedule_problems(project, schedule, messages):
    assert problems_of(project, schedules=[schedule]) == messages


def test_duplicate_schedule_names(project):
    schedule = {"name": "refresh", "schedule": "rate(5 minutes)", "path": "/tasks/refresh"}
    assert problems_of(project, schedules=[schedule, {**schedule, "name": "other"}, schedule]) == [
        "skylift:schedules[2].name 'refresh' is already the name of skylift:schedules[0]; schedule names must be unique"]


def test_schedules_not_a_list(project):
    assert problems_of(project, schedules={"name": "x"}) == [
        "skylift:schedules must be a list of {name, schedule, path, method, body, public}, got {'name': 'x'}"]


def test_malformed_json_string_is_reported_not_crashed(project):
    assert problems_of(project, schedules='[{"name": ') == [
        "skylift:schedules must be a list of {name, schedule, path, method, body, public}, got '[{\"name\": '"]


@pytest.mark.parametrize("key,hint", [
    ("memmory", "; did you mean skylift:memory?"),
    ("log_retention_days", "; did you mean skylift:logRetentionDays?"),
    ("ephemeralstorage", "; did you mean skylift:ephemeralStorage?"),
    ("readiness", "; did you mean skylift:readinessPath?"),
    ("enviroment", "; did you mean skylift:environment?"),
    ("frobnicate", ""),
])
def test_unknown_keys_with_did_you_mean(project, key, hint):
    assert problems_of(project, **{key: 1}) == [f"skylift:{key} is not a known setting{hint} (known: {KNOWN})"]


def test_all_problems_are_reported_at_once(project):
    with pytest.raises(ConfigError) as error:
        load({
            "skylift:memmory": 512,
            "skylift:memory": 100000,
            "skylift:timeout": 60,
            "skylift:logRetentionDays": 10,
            "skylift:environment": {"AWS_REGION": "x"},
            "skylift:schedules": [{"name": "a", "schedule": "rate(5 minute)", "path": "/a"},
                                  {"name": "a", "schedule": "rate(5 minutes)", "path": "b"}],
        }, namespace="skylift", base_dir=project)
    assert error.value.problems == [
        f"skylift:memmory is not a known setting; did you mean skylift:memory? (known: {KNOWN})",
        "skylift:command is required: the shell command that starts the app, e.g. ./server",
        "skylift:memory must be an integer from 128 to 10240 (MB), got 100000",
        "skylift:timeout must be at most 30 (s), the HTTP API's integration timeout: a longer request gets a 503 "
        "from API Gateway while the function still runs, got 60",
        f"skylift:environment.AWS_REGION {RESERVED}",
        f"skylift:logRetentionDays must be one of {LOG_DAYS} (days), got 10",
        "skylift:schedules[0].schedule is not a valid schedule: 'rate(5 minute)' must use the plural unit for a value "
        "other than 1: rate(5 minutes)",
        "skylift:schedules[1].name 'a' is already the name of skylift:schedules[0]; schedule names must be unique",
        "skylift:schedules[1].path must be a path starting with /, got 'b'",
    ]
    assert str(error.value) == "\n".join(error.value.problems)


def test_validate_app_args_from_a_program(project):
    """The component validates AppArgs (snake_case) with the same messages, under the namespace it is given."""
    assert validate({"command": "./server.py", "source": "app", "memory": 64, "memroy": 1,
                     "throttle": {"burst_limit": -1}}, base_dir=project, key="myapp") == [
        f"myapp:memroy is not a known setting; did you mean myapp:memory? (known: "
        "command, source, build, runtime, architecture, memory, timeout, ephemeral_storage, environment, "
        "log_retention_days, schedules, readiness_path, throttle, reserved_concurrency, tags, streaming, "
        "after_response, schedule_retries, schedule_max_event_age, tracing, kms_key_arn, vpc, code_signing_config_arn, authorizer, permissions, "
        "policy_arns, domain, alarms, artifact_bucket)",
        "myapp:memory must be an integer from 128 to 10240 (MB), got 64",
        "myapp:throttle.burstLimit must be an integer of at least 0 (requests), got -1",
    ]
    assert validate({"command": "./server.py", "source": str(project / "app")}, base_dir="/nonexistent") == []


def test_function_environment(project):
    args = load({"skylift:command": "./server.py", "skylift:readinessPath": "/healthz",
                 "skylift:environment": {"APP_STAGE": "staging"}}, namespace="skylift", base_dir=project)
    assert function_environment(args) == {
        "APP_STAGE": "staging",
        "AWS_LAMBDA_EXEC_WRAPPER": "/var/task/skylift_shim/exec-wrapper",
        "SKYLIFT_COMMAND": "./server.py",
        "SKYLIFT_READY_PATH": "/healthz",
    }
    assert function_environment({"command": "./server"}) == {
        "AWS_LAMBDA_EXEC_WRAPPER": "/var/task/skylift_shim/exec-wrapper", "SKYLIFT_COMMAND": "./server"}
