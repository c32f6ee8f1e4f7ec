"""Chaining: what one entrypoint writes is what the next task reads,
whichever entrypoint runs it. Echo tasks take `x` and return `o0`; most
flytekit tasks in interop_tasks.py take `x` as well, so a hop renames o0 -> x
as a workflow's binding would (the literal itself passes unchanged). The
file-to-file tests pass the outputs.pb file itself as the next inputs.pb."""

import typing

import pytest
from flyteidl.core import literals_pb2
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import Literal, LiteralMap

import helpers


def as_inputs(outputs: literals_pb2.LiteralMap) -> literals_pb2.LiteralMap:
    """o0 -> x: the binding of the downstream node."""
    return literals_pb2.LiteralMap(literals={"x": outputs.literals["o0"]})


def inputs_of(ctx, value, annotation) -> literals_pb2.LiteralMap:
    lt = TypeEngine.to_literal_type(annotation)
    return LiteralMap({"x": TypeEngine.to_literal(ctx, value, annotation, lt)}).to_flyte_idl()


def value_of(ctx, outputs: literals_pb2.LiteralMap, annotation):
    return TypeEngine.to_python_value(ctx, Literal.from_flyte_idl(outputs.literals["o0"]),
                                      annotation)


def native(tmp_path, name, task, inputs):
    return helpers.run_flyte_execute(tmp_path / name, task, inputs).expect_outputs()


def python(tmp_path, name, task, inputs):
    return helpers.run_pyflyte_execute(tmp_path / name, task, inputs).expect_outputs()


def test_native_list_into_flytekit_sum(ctx, tmp_path):
    ours = native(tmp_path, "1", "echo_list_integer",
                  inputs_of(ctx, [1, 2, 2**40], typing.List[int]))
    theirs = python(tmp_path, "2", "total", as_inputs(ours))
    assert value_of(ctx, theirs, int) == 1 + 2 + 2**40


def test_flytekit_map_into_native_and_back(ctx, tmp_path):
    """flytekit -> flyte-execute -> flytekit, the middle hop a native task."""
    words = python(tmp_path, "1", "word_lengths", inputs_of(ctx, "a bb ccc ü", str))
    echoed = native(tmp_path, "2", "echo_map_integer", as_inputs(words))
    assert echoed == words
    described = python(tmp_path, "3", "describe", as_inputs(echoed))
    assert value_of(ctx, described, str) == "a=1,bb=2,ccc=3,ü=1"


def test_flytekit_file_into_native_into_flytekit(ctx, tmp_path):
    written = python(tmp_path, "1", "write_text", inputs_of(ctx, "from flytekit ✓\n", str))
    echoed = native(tmp_path, "2", "echo_file", as_inputs(written))
    read = python(tmp_path, "3", "read_text", as_inputs(echoed))
    assert value_of(ctx, read, str) == "from flytekit ✓\n"


@pytest.mark.parametrize("value", [3, "ab"], ids=["int", "str"])
def test_union_crosses_both_ways(value, ctx, tmp_path):
    annotation = typing.Union[int, str]
    ours = native(tmp_path, "1", "echo_union_integer_string", inputs_of(ctx, value, annotation))
    theirs = python(tmp_path, "2", "pick", as_inputs(ours))
    back = native(tmp_path, "3", "echo_union_integer_string", as_inputs(theirs))
    assert back == theirs
    assert value_of(ctx, back, annotation) == value * 2


@pytest.mark.parametrize("value", [None, 41], ids=["none", "set"])
def test_optional_crosses_both_ways(value, ctx, tmp_path):
    annotation = typing.Optional[int]
    theirs = python(tmp_path, "1", "maybe_increment", inputs_of(ctx, value, annotation))
    ours = native(tmp_path, "2", "echo_optional_integer", as_inputs(theirs))
    again = python(tmp_path, "3", "maybe_increment", as_inputs(ours))
    expected = None if value is None else value + 2
    assert value_of(ctx, again, annotation) == expected


def test_dict_crosses_both_ways(ctx, tmp_path):
    start = {"n": 1, "xs": [1.5, "two", None], "nested": {"ok": True}}
    ours = native(tmp_path, "1", "echo_dict", inputs_of(ctx, start, dict))
    theirs = python(tmp_path, "2", "merge_dict", as_inputs(ours))
    back = native(tmp_path, "3", "echo_dict", as_inputs(theirs))
    assert value_of(ctx, back, dict) == {**start, "seen_by": "flytekit"}


def test_native_outputs_pb_is_flytekits_inputs_pb(ctx, tmp_path):
    ours = helpers.run_flyte_execute(tmp_path / "1", "echo_list_integer",
                                     inputs_of(ctx, [3, 4, 5], typing.List[int]))
    ours.expect_outputs()
    theirs = helpers.run_pyflyte_execute(tmp_path / "2", "total_of_o0",
                                         inputs_path=ours.output_dir / "outputs.pb")
    assert value_of(ctx, theirs.expect_outputs(), int) == 12


def test_flytekit_outputs_pb_is_native_inputs_pb(ctx, tmp_path):
    n = literals_pb2.LiteralMap()
    n.literals["n"].scalar.primitive.integer = 4
    theirs = helpers.run_pyflyte_execute(tmp_path / "1", "squares_as_x", n)
    theirs.expect_outputs()
    ours = helpers.run_flyte_execute(tmp_path / "2", "echo_list_integer",
                                     inputs_path=theirs.output_dir / "outputs.pb")
    assert value_of(ctx, ours.expect_outputs(), typing.List[int]) == [0, 1, 4, 9]
