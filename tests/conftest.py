"""Shared test settings: Hypothesis profiles.

``ci`` (the default) keeps property tests quick; ``HYPOTHESIS_PROFILE=thorough`` runs at
least 10,000 examples per property for a deeper, opt-in search.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=100, deadline=None)
settings.register_profile(
    "thorough",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
