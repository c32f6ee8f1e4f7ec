"""Errors side by side: the same failure through pyflyte-execute (a flytekit
task in interop_tasks.py) and flyte-execute (the example libraries) must
leave the same ErrorDocument (code, kind, origin) and exit code.

Where they differ for a reason, the case names the README entry ("Differences
from flytekit"); it still asserts flytekit's document and is a strict xfail,
so it fails loudly once the difference is gone."""

import dataclasses
import typing
from pathlib import Path

import pytest
from flyteidl.core import errors_pb2, execution_pb2, literals_pb2

import helpers

DIFFERENCES = "README 'Differences from flytekit': "


def ints(**values) -> literals_pb2.LiteralMap:
    m = literals_pb2.LiteralMap()
    for k, v in values.items():
        if isinstance(v, int):
            m.literals[k].scalar.primitive.integer = v
        else:
            m.literals[k].scalar.primitive.string_value = v
    return m


@dataclasses.dataclass
class Case:
    id: str
    py_task: str
    native_task: str
    inputs: typing.Optional[literals_pb2.LiteralMap] = None
    native_lib: Path = helpers.EXAMPLE_LIB
    py_module: str = helpers.PY_TASK_MODULE
    message: typing.Optional[str] = None  # text both messages must contain
    difference: typing.Optional[str] = None


CASES = [
    Case("user-exception", "fail_runtime", "fail_runtime", message="something broke"),
    Case("recoverable-exception", "fail_recoverable", "fail_recoverable",
         message="the service is busy, retry later"),
    Case("value-error", "fail_value", "fail_value", message="x must be positive",
         difference=DIFFERENCES + "std::invalid_argument is USER:ValueError; flytekit codes "
                                  "every user exception USER:RuntimeError"),
    Case("missing-input", "add", "add", ints(a=1),
         difference=DIFFERENCES + "a missing input is SYSTEM (the engine built inputs.pb); "
                                  "flytekit's USER comes from Python calling add() without b"),
    Case("wrong-input-type", "add", "add", ints(a=1, b="x")),
    Case("unknown-task", "no_such_task", "no_such_task",
         difference=DIFFERENCES + "a task that cannot be loaded is USER:TaskLoadError; "
                                  "flytekit says USER:RuntimeError (AttributeError)"),
    Case("unknown-module-or-library", "add", "add", ints(a=1, b=2),
         native_lib=helpers.LIB_DIR / "libno_such_library.so", py_module="no_such_module",
         difference=DIFFERENCES + "a task that cannot be loaded is USER:TaskLoadError; "
                                  "flytekit says USER:RuntimeError (ModuleNotFoundError)"),
    Case("wrong-output-type", "wrong_output_type", "wrong_output_type", ints(x=1),
         native_lib=helpers.ECHO_LIB,
         difference=DIFFERENCES + "an output the task hands over in the wrong type is the "
                                  "task's USER error (it gets the error back while running); "
                                  "flytekit fails converting after the function returned, SYSTEM"),
    Case("missing-output", "missing_output", "missing_output", ints(x=1),
         native_lib=helpers.ECHO_LIB),
]


def verdict(run: helpers.Run):
    assert run.outputs is None, run.describe()
    assert run.error is not None, run.describe()
    e = run.error.error
    return {"code": e.code,
            "kind": errors_pb2.ContainerError.Kind.Name(e.kind),
            "origin": execution_pb2.ExecutionError.ErrorKind.Name(e.origin),
            "exit": run.returncode}


# pyflyte-execute takes seconds to start: each flytekit run is made once and
# shared by the tests that compare against it.
_FLYTEKIT_RUNS = {}


def both(tmp_path, case: Case, env=None, inputs_path=None):
    key = (case.id, tuple(sorted((env or {}).items())), inputs_path and inputs_path.read_bytes())
    if key not in _FLYTEKIT_RUNS:
        _FLYTEKIT_RUNS[key] = helpers.run_pyflyte_execute(
            tmp_path / "py", case.py_task, case.inputs, env=env, module=case.py_module,
            inputs_path=inputs_path)
    theirs = _FLYTEKIT_RUNS[key]
    ours = helpers.run_flyte_execute(tmp_path / "native", case.native_task, case.inputs,
                                     lib=case.native_lib, env=env, inputs_path=inputs_path)
    return theirs, ours


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_error_document_matches_flytekit(case, tmp_path, request):
    if case.difference:
        request.applymarker(
            pytest.mark.xfail(strict=True, raises=AssertionError, reason=case.difference))
    theirs, ours = both(tmp_path, case)
    assert verdict(ours) == verdict(theirs), \
        f"flytekit:\n{theirs.describe()}\n\nflyte-execute:\n{ours.describe()}"


@pytest.mark.parametrize("case", [c for c in CASES if c.message],
                         ids=[c.id for c in CASES if c.message])
def test_error_message_carries_the_user_text(case, tmp_path):
    theirs, ours = both(tmp_path, case)
    assert case.message in theirs.error.error.message
    assert case.message in ours.error.error.message


@pytest.mark.parametrize("case", [c for c in CASES if c.id in
                                  ("user-exception", "recoverable-exception", "wrong-input-type")],
                         ids=lambda c: c.id)
def test_fail_on_error_exit_code_matches_flytekit(case, tmp_path):
    """FLYTE_FAIL_ON_ERROR=true: the error document and a non-zero exit."""
    theirs, ours = both(tmp_path, case, env={"FLYTE_FAIL_ON_ERROR": "true"})
    assert theirs.returncode != 0
    assert verdict(ours) == verdict(theirs), \
        f"flytekit:\n{theirs.describe()}\n\nflyte-execute:\n{ours.describe()}"


@pytest.mark.parametrize("content", [b"\xff\x00garbage", b"\x0a\x05\x0a\x01b"],
                         ids=["garbage", "truncated"])
def test_unreadable_inputs_pb_matches_flytekit(content, tmp_path):
    path = tmp_path / "bad-inputs.pb"
    path.write_bytes(content)
    theirs, ours = both(tmp_path, Case("bad-inputs", "add", "add"), inputs_path=path)
    assert verdict(ours) == verdict(theirs), \
        f"flytekit:\n{theirs.describe()}\n\nflyte-execute:\n{ours.describe()}"
