"""Placeholder."""

from benchmarks.common import Context, Unavailable


def run(ctx: Context) -> None:
    raise Unavailable("the app is not there yet")
