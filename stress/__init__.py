"""Stress harnesses for the store: SIGKILL at random moments, and concurrent writers.

Run from the repository root: ``python -m stress.kill --kills 1000`` and
``python -m stress.concurrent``. Both print their counts and exit non-zero on any loss.
"""
