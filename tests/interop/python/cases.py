"""The echo tasks of build/lib/libecho_tasks.so and the Python annotation each
one stands for (examples/cpp/echo_tasks.cpp). Every echo task has input `x`
and output `o0` of that type."""

import datetime
import typing

from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile
from flytekit.types.structured import StructuredDataset

CSV = typing.TypeVar("csv")

ECHO_TYPES = {
    "echo_integer": int,
    "echo_float": float,
    "echo_string": str,
    "echo_boolean": bool,
    "echo_datetime": datetime.datetime,
    "echo_duration": datetime.timedelta,
    "echo_none": type(None),
    "echo_list_integer": typing.List[int],
    "echo_list_string": typing.List[str],
    "echo_list_list_float": typing.List[typing.List[float]],
    "echo_map_string": typing.Dict[str, str],
    "echo_map_integer": typing.Dict[str, int],
    "echo_dict": dict,
    "echo_file": FlyteFile,
    "echo_file_csv": FlyteFile[CSV],
    "echo_directory": FlyteDirectory,
    "echo_optional_integer": typing.Optional[int],
    "echo_optional_string": typing.Optional[str],
    "echo_union_integer_string": typing.Union[int, str],
    "echo_union_float_list_string": typing.Union[float, typing.List[str]],
    # typing flattens Optional[Union[int, str]] into Union[int, str, None].
    "echo_optional_union": typing.Optional[typing.Union[int, str]],
    # list[...], not typing.List[...]: typing caches List[Union[str, int]] (which
    # flytekit builds on import) and returns it for List[Union[int, str]], the
    # two unions being equal; flytekit would then declare the variants str, int.
    "echo_list_union": list[typing.Union[int, str]],
    "echo_structured_dataset": StructuredDataset,
    "echo_structured_dataset_parquet": typing.Annotated[StructuredDataset, "parquet"],
    "echo_list_map_list_float": typing.List[typing.Dict[str, typing.List[float]]],
    "echo_map_list_optional_integer": typing.Dict[str, typing.List[typing.Optional[int]]],
    "echo_list_dict": typing.List[dict],
    "echo_list_datetime": typing.List[datetime.datetime],
    "echo_list_file": typing.List[FlyteFile],
}
