"""Shared fixtures: the example corpus and the evaluation data beside the checkout.

Tests that need ``../shared/data`` skip with a reason when it is absent (a
user's machine); CI sets ``STORYLINE_REQUIRE_DATA=1``, which turns that skip
into a failure so a missing dataset cannot pass silently.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "caucasus"


def data_dir() -> Path:
    return Path(os.environ.get("STORYLINE_DATA", ROOT.parent / "shared" / "data"))


def need_data(*parts: str) -> Path:
    """The path of a dataset under the shared data folder, or skip (fail in CI) when absent."""
    path = data_dir().joinpath(*parts)
    if not path.exists():
        reason = f"evaluation data not found at {path} (set STORYLINE_DATA)"
        if os.environ.get("STORYLINE_REQUIRE_DATA") == "1":
            pytest.fail(reason + " and STORYLINE_REQUIRE_DATA=1")
        pytest.skip(reason)
    return path


@pytest.fixture
def shared_data():
    return need_data


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
