"""Type parity: what flyte-execute declares for a task (`--list --format
json`, a flyteidl TypedInterface) equals, as a protobuf message, what flytekit
declares for the same Python signature.

Dataclasses (and Pydantic models) are not here: flytekit gives them a JSON
schema with the class title and `dataclass_type` metadata that a native task
cannot carry; the nearest native type is `dict`. Whether the engine accepts a
dataclass output into a native dict input (and back) is flytepropeller's
castability check, which the Go suite (tests/interop/go) runs."""

import datetime
import typing

import pytest
from flytekit.core import interface as flyte_interface
from flytekit.core.type_engine import TypeEngine

from cases import ECHO_TYPES


def flytekit_interface(inputs: dict, outputs: dict):
    """flytekit's TypedInterface for `def task(**inputs) -> outputs`, the way
    it registers a @task (descriptions default to the variable name)."""
    native = flyte_interface.Interface(inputs=inputs, outputs=outputs)
    return flyte_interface.transform_interface_to_typed_interface(native).to_flyte_idl()


@pytest.mark.parametrize("task", sorted(ECHO_TYPES))
def test_echo_interface_matches_flytekit(task, echo_interfaces):
    annotation = ECHO_TYPES[task]
    ours = echo_interfaces[task]
    theirs = flytekit_interface({"x": annotation}, {"o0": annotation})
    assert ours == theirs, f"{task}: flytekit declares\n{theirs}\nflyte-execute declares\n{ours}"


@pytest.mark.parametrize("task", sorted(ECHO_TYPES))
def test_literal_type_matches_type_engine(task, echo_interfaces):
    """The variable's LiteralType alone, against TypeEngine.to_literal_type."""
    theirs = TypeEngine.to_literal_type(ECHO_TYPES[task]).to_flyte_idl()
    assert echo_interfaces[task].inputs.variables["x"].type == theirs


class DivideOutputs(typing.NamedTuple):
    quotient: int
    remainder: int


@pytest.mark.parametrize("task, inputs, outputs", [
    ("add", {"a": int, "b": int}, {"c": int}),
    ("divide", {"a": int, "b": int}, {"quotient": int, "remainder": int}),
    ("concat", {"parts": typing.List[str], "separator": str}, {"joined": str}),
    ("shift", {"when": datetime.datetime, "by": datetime.timedelta},
     {"shifted": datetime.datetime}),
    ("fail_runtime", {}, {}),
])
def test_example_interface_matches_flytekit(task, inputs, outputs, example_interfaces):
    """Several inputs and outputs, and none, in the example library."""
    assert example_interfaces[task] == flytekit_interface(inputs, outputs)


def test_every_echo_task_has_a_case(echo_interfaces):
    """A new echo task without a Python twin would go unchecked."""
    fixtures = {"wrong_output_type", "missing_output"}  # failure fixtures (test_errors.py)
    assert set(echo_interfaces) - fixtures == set(ECHO_TYPES)
