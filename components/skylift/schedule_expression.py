"""EventBridge schedule expressions: parse, validate and compute fire times.

``parse("rate(5 minutes)")`` or ``parse("cron(0 12 * * ? *)")`` returns a
``Schedule`` or raises ``ScheduleError`` with a sentence naming what is wrong.
The grammar is AWS's (EventBridge rules, UTC); ``Schedule.next_after`` lets a
local scheduler fire at the same times the deployed rule would.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .errors import ScheduleError


RATE_UNITS = {"minute": 60, "hour": 3600, "day": 86400}

MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
# EventBridge numbers the days of the week 1 (SUN) to 7 (SAT).
DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


@dataclass(frozen=True)
class Field:
    name: str
    low: int
    high: int
    names: tuple = ()
    specials: str = ""  # which of ? L W # the field allows


FIELDS = (
    Field("minutes", 0, 59),
    Field("hours", 0, 23),
    Field("day-of-month", 1, 31, specials="?LW"),
    Field("month", 1, 12, names=tuple(MONTH_NAMES)),
    Field("day-of-week", 1, 7, names=tuple(DAY_NAMES), specials="?L#"),
    Field("year", 1970, 2199),
)


@dataclass(frozen=True)
class Rate:
    expression: str
    value: int
    unit: str  # singular: minute, hour or day

    @property
    def interval(self) -> timedelta:
        return timedelta(seconds=self.value * RATE_UNITS[self.unit])

    def next_after(self, dt: datetime) -> datetime:
        """One interval after ``dt``: a rate rule is anchored at its creation time, here at ``dt``."""
        return _utc(dt) + self.interval


@dataclass(frozen=True)
class DaySpec:
    """Which days a day-of-month or day-of-week field selects."""

    any: bool = False  # ? (the other field decides) or *
    values: frozenset = frozenset()
    last: bool = False  # day-of-month L
    last_weekday: bool = False  # day-of-month LW
    nearest_weekday: frozenset = frozenset()  # day-of-month nW
    last_of_week_day: frozenset = frozenset()  # day-of-week nL: last such weekday of the month
    nth: frozenset = frozenset()  # day-of-week n#k: (n, k)


@dataclass(frozen=True)
class Cron:
    expression: str
    minutes: frozenset
    hours: frozenset
    day_of_month: DaySpec
    months: frozenset
    day_of_week: DaySpec
    years: frozenset

    def next_after(self, dt: datetime) -> datetime:
        """The first fire time strictly after ``dt`` (UTC); ScheduleError if there is none before 2200."""
        start = _utc(dt).replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.date()
        while day.year <= FIELDS[5].high:
            if day.year not in self.years:
                day = day.replace(year=day.year + 1, month=1, day=1)
                continue
            if day.month not in self.months:
                day = _first_of_next_month(day)
                continue
            if self._day_matches(day.year, day.month, day.day):
                first_minute = (start.hour, start.minute) if day == start.date() else (0, 0)
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        if (hour, minute) >= first_minute:
                            return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)
            day += timedelta(days=1)
        raise ScheduleError(f"{self.expression} never fires after {_utc(dt).isoformat()}")

    def _day_matches(self, year: int, month: int, day: int) -> bool:
        # Exactly one of the two fields is ?, so the other one decides alone.
        if self.day_of_week.any:
            return _month_day_matches(self.day_of_month, year, month, day)
        return _week_day_matches(self.day_of_week, year, month, day)


Schedule = Rate | Cron


def parse(expression: str) -> Schedule:
    """Parse an EventBridge schedule expression, or raise ScheduleError saying what is wrong."""
    if not isinstance(expression, str):
        raise ScheduleError(f"a schedule must be a string like rate(5 minutes) or cron(0 12 * * ? *), got {expression!r}")
    match = re.fullmatch(r"(rate|cron)\((.*)\)", expression)
    if not match:
        raise ScheduleError(
            f"a schedule must be rate(value unit) or cron(minutes hours day-of-month month day-of-week year), got {expression!r}"
        )
    kind, body = match.groups()
    return _parse_rate(expression, body) if kind == "rate" else _parse_cron(expression, body)


def _parse_rate(expression: str, body: str) -> Rate:
    parts = body.split(" ")
    if len(parts) != 2 or not all(parts):
        raise ScheduleError(f"rate() takes a value and a unit separated by one space, like rate(5 minutes), got {expression!r}")
    value_text, unit = parts
    if not value_text.isdigit() or int(value_text) < 1:
        raise ScheduleError(f"the value in {expression!r} must be a positive whole number")
    value = int(value_text)
    singular = unit[:-1] if unit.endswith("s") else unit
    if singular not in RATE_UNITS:
        raise ScheduleError(f"the unit in {expression!r} must be minute(s), hour(s) or day(s), got {unit!r}")
    if value == 1 and unit != singular:
        raise ScheduleError(f"{expression!r} must use the singular unit for a value of 1: rate(1 {singular})")
    if value != 1 and unit == singular:
        raise ScheduleError(f"{expression!r} must use the plural unit for a value other than 1: rate({value} {singular}s)")
    return Rate(expression, value, singular)


def _parse_cron(expression: str, body: str) -> Cron:
    fields = body.split()
    if len(fields) != 6:
        raise ScheduleError(
            f"cron() takes exactly six fields (minutes hours day-of-month month day-of-week year), "
            f"got {len(fields)} in {expression!r}"
        )
    dom_text, dow_text = fields[2], fields[4]
    if (dom_text == "?") == (dow_text == "?"):
        raise ScheduleError(
            f"{expression!r} must have ? in exactly one of day-of-month and day-of-week "
            f"(got {dom_text!r} and {dow_text!r}), e.g. cron(0 12 * * ? *)"
        )
    try:
        minutes, hours, months, years = (
            _values(FIELDS[i], fields[i]) for i in (0, 1, 3, 5)
        )
        day_of_month = _day_spec(FIELDS[2], dom_text)
        day_of_week = _day_spec(FIELDS[4], dow_text)
    except ScheduleError as error:
        raise ScheduleError(f"{expression!r}: {error}") from None
    return Cron(expression, minutes, hours, day_of_month, months, day_of_week, years)


def _values(field: Field, text: str) -> frozenset:
    """Expand a plain field (numbers, names, *, ranges, lists, steps) into its set of values."""
    values = set()
    for item in text.split(","):
        values |= _item_values(field, item)
    return frozenset(values)


def _item_values(field: Field, item: str) -> set:
    if item == "":
        raise ScheduleError(f"the {field.name} field has an empty list item")
    base, slash, step_text = item.partition("/")
    step = 1
    if slash:
        if not step_text.isdigit() or int(step_text) < 1:
            raise ScheduleError(f"the step in {field.name} {item!r} must be a positive whole number")
        step = int(step_text)
    if base == "*":
        low, high = field.low, field.high
    elif "-" in base:
        first, _, last = base.partition("-")
        low, high = _number(field, first), _number(field, last)
        if low > high:
            raise ScheduleError(f"the range {base!r} in the {field.name} field runs backwards")
    else:
        low = _number(field, base)
        # Quartz: "5/15" means from 5 to the end of the field in steps of 15.
        high = field.high if slash else low
    return set(range(low, high + 1, step))


def _number(field: Field, text: str) -> int:
    upper = text.upper()
    if field.names and upper in field.names:
        return field.names.index(upper) + field.low
    if not text.isdigit():
        allowed = f"{field.low}-{field.high}" + (f" or {field.names[0]}-{field.names[-1]}" if field.names else "")
        raise ScheduleError(f"the {field.name} field has {text!r}, which is not a value ({allowed}), *, a range, a list or a step")
    value = int(text)
    if not field.low <= value <= field.high:
        allowed = f"{field.low}-{field.high}" + (f" or {field.names[0]}-{field.names[-1]}" if field.names else "")
        raise ScheduleError(f"the {field.name} field has {value}, outside {allowed}")
    return value


def _day_spec(field: Field, text: str) -> DaySpec:
    if text in ("?", "*"):
        return DaySpec(any=True)
    if "?" in text:
        raise ScheduleError(f"? must stand alone in the {field.name} field, got {text!r}")
    values, nearest, last_of, nth = set(), set(), set(), set()
    last = last_weekday = False
    for item in text.split(","):
        upper = item.upper()
        if field.name == "day-of-month" and upper == "L":
            last = True
        elif field.name == "day-of-month" and upper == "LW":
            last_weekday = True
        elif field.name == "day-of-month" and upper.endswith("W"):
            nearest.add(_number(field, item[:-1]))
        elif field.name == "day-of-week" and upper == "L":
            values.add(7)  # L alone in day-of-week is the last day of the week, SAT
        elif field.name == "day-of-week" and upper.endswith("L"):
            last_of.add(_number(field, item[:-1]))
        elif field.name == "day-of-week" and "#" in item:
            day_text, _, nth_text = item.partition("#")
            if not nth_text.isdigit() or not 1 <= int(nth_text) <= 5:
                raise ScheduleError(f"the {field.name} field has {item!r}: the number after # must be 1 to 5")
            nth.add((_number(field, day_text), int(nth_text)))
        elif any(special in upper for special in "LW#"):
            raise ScheduleError(f"the {field.name} field has {item!r}, but L, W and # are not allowed there in that form")
        else:
            values |= _item_values(field, item)
    return DaySpec(False, frozenset(values), last, last_weekday, frozenset(nearest), frozenset(last_of), frozenset(nth))


def _month_day_matches(spec: DaySpec, year: int, month: int, day: int) -> bool:
    if spec.any or day in spec.values:
        return True
    days_in_month = calendar.monthrange(year, month)[1]
    if spec.last and day == days_in_month:
        return True
    if spec.last_weekday and day == _nearest_weekday(year, month, days_in_month):
        return True
    return any(day == _nearest_weekday(year, month, min(target, days_in_month)) for target in spec.nearest_weekday
               if target <= days_in_month)


def _nearest_weekday(year: int, month: int, day: int) -> int:
    """The weekday (MON-FRI) nearest to ``day`` without leaving the month (Quartz's W)."""
    days_in_month = calendar.monthrange(year, month)[1]
    weekday = calendar.weekday(year, month, day)  # MON=0 .. SUN=6
    if weekday == 5:  # Saturday: Friday before, unless that leaves the month
        return day - 1 if day > 1 else day + 2
    if weekday == 6:  # Sunday: Monday after, unless that leaves the month
        return day + 1 if day < days_in_month else day - 2
    return day


def _week_day_matches(spec: DaySpec, year: int, month: int, day: int) -> bool:
    aws_day = (calendar.weekday(year, month, day) + 1) % 7 + 1  # SUN=1 .. SAT=7
    if spec.any or aws_day in spec.values:
        return True
    days_in_month = calendar.monthrange(year, month)[1]
    if aws_day in spec.last_of_week_day and day + 7 > days_in_month:
        return True
    return (aws_day, (day - 1) // 7 + 1) in spec.nth


def _first_of_next_month(day):
    return day.replace(year=day.year + (day.month == 12), month=day.month % 12 + 1, day=1)


def _utc(dt: datetime) -> datetime:
    """Naive datetimes are taken as UTC, the zone EventBridge schedules run in."""
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
