"""Dates that say no more than their sources: a day, a month, just a year, or only a
latest date ("by August 28, 2023") when a source reports something without dating it."""

import datetime


def truncate(date, precision):
    if date is None:
        return None
    if precision == "year":
        return datetime.date(date.year, 1, 1)
    if precision == "month":
        return date.replace(day=1)
    return date


def display(date, precision):
    if date is None:
        return ""
    if precision == "year":
        return str(date.year)
    if precision == "month":
        return date.strftime("%B %Y")
    day = f"{date.strftime('%B')} {date.day}, {date.year}"
    return f"By {day}" if precision == "by" else day


def iso(date, precision):
    if date is None:
        return ""
    return date.isoformat()[: {"year": 4, "month": 7}.get(precision, 10)]
