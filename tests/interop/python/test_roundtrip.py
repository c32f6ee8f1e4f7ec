"""Value round trip: a Python value -> TypeEngine.to_literal -> inputs.pb ->
flyte-execute running the echo task of that type -> outputs.pb ->
TypeEngine.to_python_value, which must give the original value back. Also:
the literal flyte-execute writes equals the one flytekit writes for the same
value (what a downstream flytekit task or the engine's cache key sees)."""

import datetime
import math
from pathlib import Path

import pytest
from flyteidl.core import literals_pb2
from flytekit.core.type_engine import TypeEngine
from flytekit.models.literals import Literal, LiteralMap
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile
from flytekit.types.structured import StructuredDataset

import helpers
from cases import ECHO_TYPES

UTC = datetime.timezone.utc
INT64_MAX, INT64_MIN = 2**63 - 1, -2**63

# (echo task, value, id). Files and folders are made per test (see below).
VALUES = [
    ("echo_integer", 0, "int-zero"),
    ("echo_integer", INT64_MAX, "int64-max"),
    ("echo_integer", INT64_MIN, "int64-min"),
    ("echo_float", 1.5, "float"),
    ("echo_float", -0.0, "float-negative-zero"),
    ("echo_float", 5e-324, "float-subnormal"),
    ("echo_float", 1.7976931348623157e308, "float-max"),
    ("echo_float", 0.1 + 0.2, "float-17-digits"),
    ("echo_float", math.nan, "float-nan"),
    ("echo_float", math.inf, "float-inf"),
    ("echo_float", -math.inf, "float-minus-inf"),
    ("echo_string", "", "string-empty"),
    ("echo_string", "héllo wörld ✓ 日本語 🚀", "string-non-ascii"),
    ("echo_string", "tab\tnewline\nquote\"backslash\\", "string-escapes"),
    ("echo_boolean", True, "bool-true"),
    ("echo_boolean", False, "bool-false"),
    ("echo_datetime", datetime.datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC), "datetime-utc"),
    ("echo_datetime", datetime.datetime(2024, 5, 1, 17, 30, tzinfo=datetime.timezone(
        datetime.timedelta(hours=5, minutes=30))), "datetime-plus-0530"),
    ("echo_datetime", datetime.datetime(1901, 12, 13, 20, 45, 52, 123456, tzinfo=UTC),
     "datetime-pre-1970"),
    ("echo_datetime", datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
     "datetime-just-before-epoch"),
    ("echo_duration", datetime.timedelta(0), "duration-zero"),
    ("echo_duration", datetime.timedelta(seconds=-1, microseconds=1), "duration-negative-fraction"),
    ("echo_duration", -datetime.timedelta(days=3, hours=4), "duration-negative"),
    ("echo_duration", datetime.timedelta(microseconds=1), "duration-one-microsecond"),
    ("echo_duration", datetime.timedelta(days=36500), "duration-century"),
    ("echo_none", None, "none"),
    ("echo_list_integer", [], "list-empty"),
    ("echo_list_integer", [1, INT64_MIN, INT64_MAX], "list-int"),
    ("echo_list_string", ["", "ü", "a b"], "list-string"),
    ("echo_list_list_float", [[], [1.5], [-2.0, 3.25]], "list-list-float"),
    ("echo_map_string", {}, "map-empty"),
    ("echo_map_string", {"a": "b", "ü": "", "": "empty key"}, "map-string"),
    ("echo_map_integer", {"max": INT64_MAX, "min": INT64_MIN}, "map-int"),
    ("echo_dict", {}, "dict-empty"),
    ("echo_dict", {"a": 1, "b": [1, 2.5, "x", None, True], "c": {"nested": {"deep": []}}},
     "dict-nested"),
    ("echo_dict", {"big": INT64_MAX, "float": 0.1, "neg": -1, "text": "日本"}, "dict-scalars"),
    ("echo_dict", {"z": 1, "a": {"y": 2, "b": 3}}, "dict-insertion-order"),
    ("echo_optional_integer", None, "optional-int-none"),
    ("echo_optional_integer", 7, "optional-int-set"),
    ("echo_optional_string", "", "optional-string-empty"),
    ("echo_union_integer_string", 3, "union-int"),
    ("echo_union_integer_string", "three", "union-str"),
    ("echo_union_float_list_string", 2.5, "union-float"),
    ("echo_union_float_list_string", ["a", "b"], "union-list"),
    ("echo_optional_union", "s", "optional-union-str"),
    ("echo_optional_union", None, "optional-union-none"),
    ("echo_list_union", [1, "a", 2], "list-union"),
    ("echo_list_map_list_float", [{"a": [1.0, 2.5]}, {}], "list-map-list-float"),
    ("echo_map_list_optional_integer", {"a": [1, None, 3], "b": []}, "map-list-optional-int"),
    ("echo_list_dict", [{"a": 1}, {}], "list-dict"),
    ("echo_list_datetime", [datetime.datetime(1970, 1, 1, tzinfo=UTC),
                            datetime.datetime(2262, 4, 11, tzinfo=UTC)], "list-datetime"),
]


def to_inputs(ctx, task, value) -> literals_pb2.LiteralMap:
    annotation = ECHO_TYPES[task]
    literal = TypeEngine.to_literal(ctx, value, annotation, TypeEngine.to_literal_type(annotation))
    return LiteralMap({"x": literal}).to_flyte_idl()


def echo(ctx, tmp_path, task, value):
    """Runs the echo task on `value`; returns (our output literal, flytekit's
    input literal), both flyteidl messages."""
    inputs = to_inputs(ctx, task, value)
    outputs = helpers.run_flyte_execute(tmp_path, task, inputs).expect_outputs()
    assert set(outputs.literals) == {"o0"}
    return outputs.literals["o0"], inputs.literals["x"]


def to_python(ctx, task, literal):
    return TypeEngine.to_python_value(ctx, Literal.from_flyte_idl(literal), ECHO_TYPES[task])


def same(a, b) -> bool:
    """Equality where NaN equals NaN and -0.0 differs from 0.0."""
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("task, value", [(t, v) for t, v, _ in VALUES],
                         ids=[i for _, _, i in VALUES])
def test_value_round_trip(task, value, ctx, tmp_path):
    ours, _ = echo(ctx, tmp_path, task, value)
    back = to_python(ctx, task, ours)
    assert same(back, value), f"{task}: sent {value!r}, got back {back!r}"


# Differences the README lists under "Differences from flytekit", each with
# its reason: the test still asserts flytekit's literal, and fails loudly
# (strict xfail) once the difference is gone.
KNOWN_LITERAL_DIFFERENCES = {
    "dict-insertion-order": "README 'Differences from flytekit': dict keys are written sorted, "
                            "flytekit keeps insertion order (same dict, other msgpack bytes)",
}


@pytest.mark.parametrize("task, value", [(t, v) for t, v, _ in VALUES],
                         ids=[i for _, _, i in VALUES])
def test_literal_is_flytekits(task, value, ctx, tmp_path, request):
    difference = KNOWN_LITERAL_DIFFERENCES.get(request.node.callspec.id)
    if difference:
        request.applymarker(
            pytest.mark.xfail(strict=True, raises=AssertionError, reason=difference))
    ours, theirs = echo(ctx, tmp_path, task, value)
    assert ours == theirs, f"{task}: flytekit writes\n{theirs}\nflyte-execute writes\n{ours}"


@pytest.mark.parametrize("seconds, nanos", [(0, 1), (-1, -999_999_999), (12, 345_678_901)],
                         ids=["one-ns", "minus-1.999999999s", "12.345678901s"])
def test_sub_microsecond_duration_is_kept(seconds, nanos, ctx, tmp_path):
    """Python's timedelta stops at microseconds; the literal (and a native
    task) does not. flyte-execute must echo the nanoseconds exactly, and
    flytekit still reads the result (truncated to microseconds, its limit)."""
    literal = literals_pb2.Literal()
    literal.scalar.primitive.duration.seconds = seconds
    literal.scalar.primitive.duration.nanos = nanos
    inputs = literals_pb2.LiteralMap(literals={"x": literal})
    ours = helpers.run_flyte_execute(tmp_path, "echo_duration", inputs).expect_outputs()
    assert ours.literals["o0"] == literal
    back = to_python(ctx, "echo_duration", ours.literals["o0"])
    assert back == datetime.timedelta(seconds=seconds, microseconds=int(nanos / 1000))


def test_sub_microsecond_datetime_is_kept(ctx, tmp_path):
    literal = literals_pb2.Literal()
    literal.scalar.primitive.datetime.seconds = -86400 * 365
    literal.scalar.primitive.datetime.nanos = 123_456_789
    inputs = literals_pb2.LiteralMap(literals={"x": literal})
    ours = helpers.run_flyte_execute(tmp_path, "echo_datetime", inputs).expect_outputs()
    assert ours.literals["o0"] == literal
    back = to_python(ctx, "echo_datetime", ours.literals["o0"])
    assert back == datetime.datetime(1969, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)


# --- files, folders and structured datasets: content, not identity ---------

@pytest.mark.parametrize("task", ["echo_file", "echo_file_csv"])
def test_file_round_trip(task, ctx, tmp_path):
    source = tmp_path / "data.csv"
    source.write_text("a,b\n1,ü\n")
    ours, theirs = echo(ctx, tmp_path / "run", task, FlyteFile(str(source)))
    # flyte-execute uploaded its own copy under the raw output prefix.
    assert ours.scalar.blob.uri != theirs.scalar.blob.uri
    assert ours.scalar.blob.metadata == theirs.scalar.blob.metadata
    back = to_python(ctx, task, ours)
    assert isinstance(back, FlyteFile)
    with open(back, "r", encoding="utf-8") as f:
        assert f.read() == "a,b\n1,ü\n"


def test_list_of_files_round_trip(ctx, tmp_path):
    """Every file of a list is downloaded for the task and uploaded again."""
    sources = []
    for i, text in enumerate(["first\n", "zweite ü\n", ""]):
        sources.append(tmp_path / f"f{i}.txt")
        sources[-1].write_text(text, encoding="utf-8")
    ours, _ = echo(ctx, tmp_path / "run", "echo_list_file", [FlyteFile(str(p)) for p in sources])
    back = to_python(ctx, "echo_list_file", ours)
    assert len(back) == 3
    for f, source in zip(back, sources):
        with open(f, "r", encoding="utf-8") as opened:
            assert opened.read() == source.read_text(encoding="utf-8")


def test_directory_round_trip(ctx, tmp_path):
    source = tmp_path / "folder"
    (source / "sub").mkdir(parents=True)
    (source / "top.txt").write_text("top")
    (source / "sub" / "deep.bin").write_bytes(bytes(range(256)))
    ours, theirs = echo(ctx, tmp_path / "run", "echo_directory", FlyteDirectory(str(source)))
    assert ours.scalar.blob.metadata == theirs.scalar.blob.metadata
    back = to_python(ctx, "echo_directory", ours)
    assert isinstance(back, FlyteDirectory)
    local = Path(back.download())
    files = {p.relative_to(local).as_posix(): p.read_bytes()
             for p in local.rglob("*") if p.is_file()}
    assert files == {"top.txt": b"top", "sub/deep.bin": bytes(range(256))}


@pytest.mark.parametrize("task, fmt", [("echo_structured_dataset", ""),
                                       ("echo_structured_dataset_parquet", "parquet")])
def test_structured_dataset_round_trip(task, fmt, ctx, tmp_path):
    """A dataset flytekit only points at (no dataframe library needed): the
    uri and the declared format come back as they went."""
    (tmp_path / "ds").mkdir()
    sd = StructuredDataset(uri=str(tmp_path / "ds"), file_format=fmt or "parquet")
    ours, theirs = echo(ctx, tmp_path / "run", task, sd)
    assert ours == theirs
    back = to_python(ctx, task, ours)
    assert isinstance(back, StructuredDataset)
    # flytekit keeps what it read in `.literal` (`.uri` is for datasets it writes).
    assert back.literal.uri == theirs.scalar.structured_dataset.uri
    assert back.literal.metadata.structured_dataset_type.format == (fmt or "parquet")
