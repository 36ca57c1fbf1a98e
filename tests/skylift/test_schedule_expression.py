"""EventBridge schedule grammar: what AWS accepts, the exact message for what it rejects, and fire times."""

from datetime import datetime, timedelta, timezone

import pytest

from skylift.schedule_expression import Cron, Rate, ScheduleError, parse

UTC = timezone.utc

ACCEPTED = [
    "rate(1 minute)",
    "rate(5 minutes)",
    "rate(1 hour)",
    "rate(12 hours)",
    "rate(1 day)",
    "rate(7 days)",
    "cron(0 12 * * ? *)",
    "cron(15 10 ? * 6L 2002-2005)",
    "cron(0/15 9-17 ? * MON-FRI *)",
    "cron(0 8 1 * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0/10 * ? * MON-FRI *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "cron(0 9 ? * 2#1 *)",
    "cron(0 0 L * ? *)",
    "cron(0 0 LW * ? *)",
    "cron(0 0 15W * ? *)",
    "cron(0 0 ? * L *)",
    "cron(0,30 1,13 ? JAN,JUL SUN,SAT 2030)",
    "cron(5-55/10 */2 1-15/7 jan-jun ? *)",
    "cron(59 23 31 DEC ? 2199)",
    "cron(0 0 1 1 ? 1970)",
]

REJECTED = [
    ("rate(1 minutes)", "'rate(1 minutes)' must use the singular unit for a value of 1: rate(1 minute)"),
    ("rate(5 minute)", "'rate(5 minute)' must use the plural unit for a value other than 1: rate(5 minutes)"),
    ("rate(2 day)", "'rate(2 day)' must use the plural unit for a value other than 1: rate(2 days)"),
    ("rate(0 minutes)", "the value in 'rate(0 minutes)' must be a positive whole number"),
    ("rate(-5 minutes)", "the value in 'rate(-5 minutes)' must be a positive whole number"),
    ("rate(1.5 hours)", "the value in 'rate(1.5 hours)' must be a positive whole number"),
    ("rate(5 seconds)", "the unit in 'rate(5 seconds)' must be minute(s), hour(s) or day(s), got 'seconds'"),
    ("rate(5)", "rate() takes a value and a unit separated by one space, like rate(5 minutes), got 'rate(5)'"),
    ("rate(5  minutes)", "rate() takes a value and a unit separated by one space, like rate(5 minutes), got 'rate(5  minutes)'"),
    ("every 5 minutes", "a schedule must be rate(value unit) or cron(minutes hours day-of-month month day-of-week year), "
                        "got 'every 5 minutes'"),
    ("Rate(5 minutes)", "a schedule must be rate(value unit) or cron(minutes hours day-of-month month day-of-week year), "
                        "got 'Rate(5 minutes)'"),
    ("cron(0 12 * * ?)", "cron() takes exactly six fields (minutes hours day-of-month month day-of-week year), "
                         "got 5 in 'cron(0 12 * * ?)'"),
    ("cron(0 0 12 * * ? *)", "cron() takes exactly six fields (minutes hours day-of-month month day-of-week year), "
                             "got 7 in 'cron(0 0 12 * * ? *)'"),
    ("cron(0 12 * * * *)", "'cron(0 12 * * * *)' must have ? in exactly one of day-of-month and day-of-week "
                           "(got '*' and '*'), e.g. cron(0 12 * * ? *)"),
    ("cron(0 12 ? * ? *)", "'cron(0 12 ? * ? *)' must have ? in exactly one of day-of-month and day-of-week "
                           "(got '?' and '?'), e.g. cron(0 12 * * ? *)"),
    ("cron(60 * * * ? *)", "'cron(60 * * * ? *)': the minutes field has 60, outside 0-59"),
    ("cron(0 24 * * ? *)", "'cron(0 24 * * ? *)': the hours field has 24, outside 0-23"),
    ("cron(0 0 0 * ? *)", "'cron(0 0 0 * ? *)': the day-of-month field has 0, outside 1-31"),
    ("cron(0 0 * 13 ? *)", "'cron(0 0 * 13 ? *)': the month field has 13, outside 1-12 or JAN-DEC"),
    ("cron(0 0 ? * 8 *)", "'cron(0 0 ? * 8 *)': the day-of-week field has 8, outside 1-7 or SUN-SAT"),
    ("cron(0 0 ? * FOO *)", "'cron(0 0 ? * FOO *)': the day-of-week field has 'FOO', which is not a value "
                            "(1-7 or SUN-SAT), *, a range, a list or a step"),
    ("cron(0 0 * * ? 1969)", "'cron(0 0 * * ? 1969)': the year field has 1969, outside 1970-2199"),
    ("cron(0 0 * * ? 2200)", "'cron(0 0 * * ? 2200)': the year field has 2200, outside 1970-2199"),
    ("cron(0 0 5-1 * ? *)", "'cron(0 0 5-1 * ? *)': the range '5-1' in the day-of-month field runs backwards"),
    ("cron(*/0 0 * * ? *)", "'cron(*/0 0 * * ? *)': the step in minutes '*/0' must be a positive whole number"),
    ("cron(0,,5 0 * * ? *)", "'cron(0,,5 0 * * ? *)': the minutes field has an empty list item"),
    ("cron(0 0 ? * 1#6 *)", "'cron(0 0 ? * 1#6 *)': the day-of-week field has '1#6': the number after # must be 1 to 5"),
    ("cron(0 L * * ? *)", "'cron(0 L * * ? *)': the hours field has 'L', which is not a value (0-23), *, a range, "
                          "a list or a step"),
    ("cron(0 0 * * 2#1 *)", "'cron(0 0 * * 2#1 *)' must have ? in exactly one of day-of-month and day-of-week "
                            "(got '*' and '2#1'), e.g. cron(0 12 * * ? *)"),
    ("cron(0 0 ? * 2W *)", "'cron(0 0 ? * 2W *)': the day-of-week field has '2W', but L, W and # are not allowed "
                           "there in that form"),
    ("cron(0 0 1#2 * ? *)", "'cron(0 0 1#2 * ? *)': the day-of-month field has '1#2', but L, W and # are not allowed "
                            "there in that form"),
    ("cron(0 0 1,? * ? *)", "'cron(0 0 1,? * ? *)': ? must stand alone in the day-of-month field, got '1,?'"),
]


@pytest.mark.parametrize("expression", ACCEPTED)
def test_accepts_aws_grammar(expression):
    assert parse(expression).expression == expression


@pytest.mark.parametrize("expression,message", REJECTED)
def test_rejects_with_exact_message(expression, message):
    with pytest.raises(ScheduleError) as error:
        parse(expression)
    assert str(error.value) == message


def test_rejects_non_string():
    with pytest.raises(ScheduleError) as error:
        parse(5)
    assert str(error.value) == "a schedule must be a string like rate(5 minutes) or cron(0 12 * * ? *), got 5"


def test_rate_parts():
    assert parse("rate(1 minute)") == Rate("rate(1 minute)", 1, "minute")
    assert parse("rate(3 days)") == Rate("rate(3 days)", 3, "day")
    assert parse("rate(3 days)").interval == timedelta(days=3)


def test_cron_fields_expand():
    cron = parse("cron(5-55/10 */6 1-15/7 jan-jun ? 2030,2032)")
    assert isinstance(cron, Cron)
    assert sorted(cron.minutes) == [5, 15, 25, 35, 45, 55]
    assert sorted(cron.hours) == [0, 6, 12, 18]
    assert sorted(cron.day_of_month.values) == [1, 8, 15]
    assert sorted(cron.months) == [1, 2, 3, 4, 5, 6]
    assert cron.day_of_week.any
    assert sorted(cron.years) == [2030, 2032]
    assert sorted(parse("cron(5/20 0 * * ? *)").minutes) == [5, 25, 45]


# 2026-11-29 is a Sunday.
START = datetime(2026, 11, 29, 4, 59, 30, tzinfo=UTC)

NEXT = [
    ("rate(5 minutes)", START, datetime(2026, 11, 29, 5, 4, 30, tzinfo=UTC)),
    ("cron(0 12 * * ? *)", START, datetime(2026, 11, 29, 12, 0, tzinfo=UTC)),
    ("cron(* * * * ? *)", START, datetime(2026, 11, 29, 5, 0, tzinfo=UTC)),
    # strictly after: a fire time equal to the start is not next
    ("cron(0 12 * * ? *)", datetime(2026, 11, 29, 12, 0, tzinfo=UTC), datetime(2026, 11, 30, 12, 0, tzinfo=UTC)),
    ("cron(0/15 9-17 ? * MON-FRI *)", START, datetime(2026, 11, 30, 9, 0, tzinfo=UTC)),
    ("cron(0/15 9-17 ? * MON-FRI *)", datetime(2026, 11, 30, 17, 45, tzinfo=UTC),
     datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
    ("cron(0 0 L * ? *)", START, datetime(2026, 11, 30, 0, 0, tzinfo=UTC)),
    ("cron(0 0 L 2 ? *)", START, datetime(2027, 2, 28, 0, 0, tzinfo=UTC)),
    ("cron(0 0 L 2 ? *)", datetime(2027, 3, 1, tzinfo=UTC), datetime(2028, 2, 29, 0, 0, tzinfo=UTC)),
    ("cron(0 0 ? * 6#3 *)", START, datetime(2026, 12, 18, 0, 0, tzinfo=UTC)),  # third Friday
    ("cron(0 0 ? * 2L *)", START, datetime(2026, 11, 30, 0, 0, tzinfo=UTC)),  # last Monday
    ("cron(0 0 ? * L *)", START, datetime(2026, 12, 5, 0, 0, tzinfo=UTC)),  # L alone: Saturday
    ("cron(0 0 15W * ? *)", START, datetime(2026, 12, 15, 0, 0, tzinfo=UTC)),  # a Tuesday: itself
    ("cron(0 0 16W 1 ? *)", START, datetime(2027, 1, 15, 0, 0, tzinfo=UTC)),  # Saturday -> Friday
    ("cron(0 0 1W 8 ? *)", START, datetime(2027, 8, 2, 0, 0, tzinfo=UTC)),  # Sunday 1st -> Monday 2nd
    ("cron(0 0 LW * ? *)", datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 1, 29, 0, 0, tzinfo=UTC)),  # 31st a Sunday
    ("cron(30 6 29 2 ? *)", START, datetime(2028, 2, 29, 6, 30, tzinfo=UTC)),
    ("cron(0 0 1 1 ? 2030)", START, datetime(2030, 1, 1, 0, 0, tzinfo=UTC)),
    ("cron(0,30 1,13 ? JAN,JUL SUN,SAT *)", START, datetime(2027, 1, 2, 1, 0, tzinfo=UTC)),
]


@pytest.mark.parametrize("expression,after,expected", NEXT)
def test_next_after(expression, after, expected):
    assert parse(expression).next_after(after) == expected


def test_next_after_takes_naive_as_utc_and_converts_other_zones():
    cron = parse("cron(0 12 * * ? *)")
    assert cron.next_after(datetime(2026, 11, 29, 4, 0)) == datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    plus_two = timezone(timedelta(hours=2))
    assert cron.next_after(datetime(2026, 11, 29, 13, 30, tzinfo=plus_two)) == datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def test_next_after_walks_a_sequence():
    cron = parse("cron(0/20 8 ? * TUE *)")
    fired, at = [], START
    for _ in range(4):
        at = cron.next_after(at)
        fired.append(at)
    assert fired == [datetime(2026, 12, 1, 8, minute, tzinfo=UTC) for minute in (0, 20, 40)] + [
        datetime(2026, 12, 8, 8, 0, tzinfo=UTC)]


def test_never_fires_again():
    with pytest.raises(ScheduleError) as error:
        parse("cron(0 0 1 1 ? 1999)").next_after(START)
    assert str(error.value) == "cron(0 0 1 1 ? 1999) never fires after 2026-11-29T04:59:30+00:00"
    with pytest.raises(ScheduleError) as error:
        parse("cron(0 0 30 2 ? *)").next_after(START)  # valid grammar, but February has no 30th
    assert str(error.value) == "cron(0 0 30 2 ? *) never fires after 2026-11-29T04:59:30+00:00"
