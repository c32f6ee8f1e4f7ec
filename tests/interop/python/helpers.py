"""Running flyte-execute and pyflyte-execute the way Flyte's engine does, and
reading what they leave behind with flytekit's own protobuf classes."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

from flyteidl.core import errors_pb2, interface_pb2, literals_pb2
from google.protobuf import json_format

HERE = Path(__file__).resolve().parent
BUILD_DIR = Path(os.environ.get("FLYTE_INTEROP_BUILD_DIR", HERE.parents[2] / "build"))
FLYTE_EXECUTE = BUILD_DIR / "bin" / "flyte-execute"
LIB_DIR = BUILD_DIR / "lib"
ECHO_LIB = LIB_DIR / "libecho_tasks.so"
EXAMPLE_LIB = LIB_DIR / "libexample_tasks.so"
PYFLYTE_EXECUTE = Path(sys.executable).parent / "pyflyte-execute"
# The Python task module pyflyte-execute loads (tests/interop/python/interop_tasks.py).
PY_TASK_MODULE = "interop_tasks"
TIMEOUT_S = 120


@dataclasses.dataclass
class Run:
    """What one entrypoint run left: exit code, outputs.pb or error.pb, logs."""

    argv: list
    returncode: int
    stdout: str
    stderr: str
    output_dir: Path
    outputs: Optional[literals_pb2.LiteralMap]
    error: Optional[errors_pb2.ErrorDocument]

    def describe(self) -> str:
        return (f"$ {' '.join(map(str, self.argv))}\nexit {self.returncode}\n"
                f"--- stdout\n{self.stdout[-3000:]}\n--- stderr\n{self.stderr[-3000:]}\n"
                f"--- files: {sorted(p.name for p in self.output_dir.iterdir())}\n"
                f"--- error: {self.error}")

    def expect_outputs(self) -> literals_pb2.LiteralMap:
        assert self.returncode == 0 and self.outputs is not None and self.error is None, \
            self.describe()
        return self.outputs


def _write_inputs(work: Path, inputs: Optional[literals_pb2.LiteralMap]) -> Path:
    path = work / "inputs.pb"
    path.write_bytes((inputs or literals_pb2.LiteralMap()).SerializeToString())
    return path


def _collect(argv, proc, out: Path) -> Run:
    outputs = error = None
    if (out / "outputs.pb").exists():
        outputs = literals_pb2.LiteralMap()
        outputs.ParseFromString((out / "outputs.pb").read_bytes())
    if (out / "error.pb").exists():
        error = errors_pb2.ErrorDocument()
        error.ParseFromString((out / "error.pb").read_bytes())
    return Run(argv, proc.returncode, proc.stdout, proc.stderr, out, outputs, error)


def _dirs(work: Path):
    out, raw = work / "out", work / "raw"
    out.mkdir(parents=True, exist_ok=True)
    raw.mkdir(parents=True, exist_ok=True)
    return out, raw


def _env(extra: Optional[dict]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLYTE_", "_F_"))}
    env.update(extra or {})
    return env


def run_flyte_execute(work: Path, task: str, inputs=None, lib: Path = ECHO_LIB,
                      env: Optional[dict] = None, inputs_path: Optional[Path] = None) -> Run:
    """flyte-execute with the container args the README documents."""
    work.mkdir(parents=True, exist_ok=True)
    out, raw = _dirs(work)
    inputs_path = inputs_path or _write_inputs(work, inputs)
    argv = [str(FLYTE_EXECUTE), "--inputs", str(inputs_path), "--output-prefix", str(out),
            "--raw-output-data-prefix", str(raw), "--resolver", "flyte", "--",
            "task-library", str(lib), "task-name", task]
    proc = subprocess.run(argv, capture_output=True, text=True, env=_env(env), cwd=work,
                          timeout=TIMEOUT_S)
    return _collect(argv, proc, out)


def run_pyflyte_execute(work: Path, task: str, inputs=None, env: Optional[dict] = None,
                        module: str = PY_TASK_MODULE,
                        inputs_path: Optional[Path] = None) -> Run:
    """pyflyte-execute with flytekit's default resolver, as flytekit registers a task."""
    work.mkdir(parents=True, exist_ok=True)
    out, raw = _dirs(work)
    inputs_path = inputs_path or _write_inputs(work, inputs)
    argv = [str(PYFLYTE_EXECUTE), "--inputs", str(inputs_path), "--output-prefix", str(out),
            "--raw-output-data-prefix", str(raw), "--resolver",
            "flytekit.core.python_auto_container.default_task_resolver", "--",
            "task-module", module, "task-name", task]
    environment = _env(env)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE),
                                                              environment.get("PYTHONPATH")]))
    proc = subprocess.run(argv, capture_output=True, text=True, env=environment, cwd=work,
                          timeout=TIMEOUT_S)
    return _collect(argv, proc, out)


def list_interfaces(lib: Path) -> dict:
    """`flyte-execute --list LIB --format json`: task name -> flyteidl TypedInterface."""
    argv = [str(FLYTE_EXECUTE), "--list", str(lib), "--format", "json"]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT_S)
    assert proc.returncode == 0, f"{argv} exited {proc.returncode}: {proc.stderr}"
    interfaces = {}
    for line in proc.stdout.splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        interfaces[entry["name"]] = json_format.ParseDict(entry["interface"],
                                                          interface_pb2.TypedInterface())
    return interfaces
