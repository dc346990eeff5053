"""Dates that say no more than their sources: a day, a month or just a year."""

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
    return f"{date.strftime('%B')} {date.day}, {date.year}"


def iso(date, precision):
    if date is None:
        return ""
    return date.isoformat()[: {"year": 4, "month": 7}.get(precision, 10)]
