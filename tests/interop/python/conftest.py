"""Fixtures of the flytekit interop suite (run it with run.sh)."""

import pytest

import helpers


def pytest_configure(config):
    missing = [p for p in (helpers.FLYTE_EXECUTE, helpers.ECHO_LIB, helpers.EXAMPLE_LIB,
                           helpers.PYFLYTE_EXECUTE) if not p.exists()]
    if missing:
        raise pytest.UsageError(
            "interop: missing " + ", ".join(map(str, missing)) +
            " (build with scripts/setup.sh; run through tests/interop/python/run.sh)")


@pytest.fixture
def ctx():
    """flytekit's current FlyteContext (local file access under a temp sandbox)."""
    from flytekit.core.context_manager import FlyteContextManager
    return FlyteContextManager.current_context()


@pytest.fixture(scope="session")
def echo_interfaces():
    return helpers.list_interfaces(helpers.ECHO_LIB)


@pytest.fixture(scope="session")
def example_interfaces():
    return helpers.list_interfaces(helpers.EXAMPLE_LIB)
