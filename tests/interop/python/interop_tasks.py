"""flytekit tasks that pyflyte-execute runs next to flyte-execute's example
tasks: the same failures side by side (test_errors.py), and the upstream /
downstream ends of a chain with a native task (test_chaining.py)."""

import typing
from pathlib import Path

from flytekit import task
from flytekit.exceptions.user import FlyteRecoverableException
from flytekit.types.file import FlyteFile


# --- failures, each the Python twin of an example task -------------------------

@task
def fail_runtime():
    raise RuntimeError("something broke")


@task
def fail_recoverable():
    raise FlyteRecoverableException("the service is busy, retry later")


@task
def fail_value():
    raise ValueError("x must be positive")


@task
def add(a: int, b: int) -> int:
    return a + b


@task
def wrong_output_type(x: int) -> int:
    return "not a number"  # type: ignore[return-value]


@task
def missing_output(x: int) -> int:
    return None  # type: ignore[return-value]


# --- chaining with native echo tasks (input x, output o0) ----------------------

@task
def total(x: typing.List[int]) -> int:
    return sum(x)


@task
def word_lengths(x: str) -> typing.Dict[str, int]:
    return {w: len(w) for w in x.split()}


@task
def describe(x: typing.Dict[str, int]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(x.items()))


@task
def write_text(x: str) -> FlyteFile:
    path = Path("written.txt").resolve()
    path.write_text(x)
    return FlyteFile(str(path))


@task
def read_text(x: FlyteFile) -> str:
    with open(x, "r") as f:
        return f.read()


@task
def pick(x: typing.Union[int, str]) -> typing.Union[int, str]:
    return x * 2


@task
def maybe_increment(x: typing.Optional[int]) -> typing.Optional[int]:
    return None if x is None else x + 1


@task
def merge_dict(x: dict) -> dict:
    return {**x, "seen_by": "flytekit"}


# --- chaining file to file: input and output names line up, so one side's
# outputs.pb is the other's inputs.pb unchanged --------------------------------

@task
def total_of_o0(o0: typing.List[int]) -> int:
    return sum(o0)


@task
def squares_as_x(n: int) -> typing.NamedTuple("Squares", [("x", typing.List[int])]):
    return [i * i for i in range(n)]
