package interop

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "k8s.io/api/core/v1"

	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/core"
	pluginsCore "github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/core"
	"github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/flytek8s"
)

const (
	retryable = pluginsCore.PhaseRetryableFailure
	permanent = pluginsCore.PhasePermanentFailure
	USER      = core.ExecutionError_USER
	SYSTEM    = core.ExecutionError_SYSTEM
)

// Successful runs: the engine reads outputs.pb and gets the task's values.
func TestSuccessfulRunsAreReadByTheEngine(t *testing.T) {
	cases := []struct {
		task   string
		inputs map[string]*core.Literal
		want   map[string]*core.Literal
	}{
		{"add", map[string]*core.Literal{"a": intLit(40), "b": intLit(2)},
			map[string]*core.Literal{"c": intLit(42)}},
		{"greet", map[string]*core.Literal{"name": strLit("Wörld")},
			map[string]*core.Literal{"greeting": strLit("Hello, Wörld!")}},
		{"divide", map[string]*core.Literal{"a": intLit(7), "b": intLit(2)},
			map[string]*core.Literal{"quotient": intLit(3), "remainder": intLit(1)}},
		{"mean", map[string]*core.Literal{"xs": listLit(floatLit(1), floatLit(2), floatLit(6))},
			map[string]*core.Literal{"mean": floatLit(3)}},
		{"word_count", map[string]*core.Literal{"text": strLit("a b a")},
			map[string]*core.Literal{"counts": mapLit(map[string]*core.Literal{"a": intLit(2), "b": intLit(1)})}},
		{"is_positive", map[string]*core.Literal{"x": floatLit(-0.5)},
			map[string]*core.Literal{"positive": boolLit(false)}},
	}
	for _, c := range cases {
		t.Run(c.task, func(t *testing.T) {
			r := newRun(t)
			r.writeInputs(c.inputs)
			res := r.run(c.task)
			if res.exitCode != 0 {
				t.Fatalf("exit %d\nstderr:\n%s", res.exitCode, res.stderr)
			}
			v := r.engineVerdict(res, true)
			if v.phase != pluginsCore.PhaseSuccess {
				t.Fatalf("engine verdict %v, want success\nstderr:\n%s", v, res.stderr)
			}
			sameLiterals(t, v.outputs, c.want)
		})
	}
}

// A task without outputs that returns: success without an outputs.pb check.
func TestATaskWithoutOutputsSucceeds(t *testing.T) {
	r := newRun(t)
	r.writeInputs(map[string]*core.Literal{"title": strLit("deck")})
	res := r.run("make_deck")
	if v := r.engineVerdict(res, false); v.phase != pluginsCore.PhaseSuccess || res.exitCode != 0 {
		t.Fatalf("exit %d, engine verdict %v\nstderr:\n%s", res.exitCode, v, res.stderr)
	}
}

// The README's failure table ("What happens when your task fails"), every row
// that ends with exit 0: the engine reads error.pb and its verdict must be the
// retryability (kind) and origin the table promises.
func TestFailureTableExitZeroRows(t *testing.T) {
	addInputs := map[string]*core.Literal{"a": intLit(40), "b": intLit(2)}
	cases := []struct {
		row      string
		task     string
		setup    func(r *taskRun)
		declared bool // the task's interface declares outputs
		code     string
		phase    pluginsCore.Phase
		origin   core.ExecutionError_ErrorKind
		message  string
	}{
		{"threw std::exception", "fail_runtime", nil, false, "USER:RuntimeError", permanent, USER, "something broke"},
		{"threw anything else", "fail_unknown", nil, false, "USER:RuntimeError", permanent, USER, ""},
		{"threw std::invalid_argument", "fail_value", nil, false, "USER:ValueError", permanent, USER, "x must be positive"},
		{"threw RecoverableError", "fail_recoverable", nil, false, "USER:Recoverable", retryable, USER, "busy"},
		{"threw UserError(code)", "fail_custom", nil, false, "USER:QuotaExceeded", permanent, USER, "bucket is full"},
		{"library missing", "add", func(r *taskRun) {
			r.library = filepath.Join(storeRoot, bucket, r.key, "missing.so")
			r.writeInputs(addInputs)
		}, true, "USER:TaskLoadError", permanent, USER, "missing.so"},
		{"symbol missing", "no_such_task", func(r *taskRun) { r.writeInputs(addInputs) },
			true, "USER:TaskLoadError", permanent, USER, "no_such_task"},
		{"ABI mismatch", "add", func(r *taskRun) {
			r.library = exampleLib("example_bad_abi")
			r.writeInputs(addInputs)
		}, true, "USER:TaskLoadError", permanent, USER, "2.0"},
		{"inputs.pb truncated", "add", func(r *taskRun) {
			r.writeInputs(addInputs)
			data, err := os.ReadFile(localPath(r.input))
			if err != nil {
				t.Fatal(err)
			}
			r.writeRawInputs(data[:len(data)-3])
		}, true, "SYSTEM", retryable, SYSTEM, "truncated"},
		// Retryable, as flytekit's entrypoint reports an inputs.pb it cannot parse.
		{"inputs.pb garbage", "add", func(r *taskRun) { r.writeRawInputs([]byte("\xff\xff\xff not a protobuf")) },
			true, "SYSTEM", retryable, SYSTEM, "LiteralMap"},
		{"input missing", "add", func(r *taskRun) {
			r.writeInputs(map[string]*core.Literal{"a": intLit(1)})
		}, true, "SYSTEM", permanent, SYSTEM, "'b'"},
		{"input of the wrong type", "add", func(r *taskRun) {
			r.writeInputs(map[string]*core.Literal{"a": strLit("x"), "b": intLit(2)})
		}, true, "SYSTEM", permanent, SYSTEM, "'a'"},
		{"secret name like ../etc", "secret_traversal", nil, true, "USER:ValueError", permanent, USER, "../etc"},
		{"segfault", "crash_segfault", nil, false, "USER:SIGSEGV", permanent, USER, "SIGSEGV"},
		{"abort", "crash_abort", nil, false, "USER:SIGABRT", permanent, USER, "SIGABRT"},
		{"exit(n)", "exit_three", nil, false, "USER:RuntimeError", permanent, USER, "exited with code 3"},
		{"_exit(0) before returning", "exit_zero_no_outputs", nil, true, "USER:RuntimeError", permanent, USER,
			"without writing its outputs"},
		{"killed by SIGKILL (OOM killer)", "kill_self", nil, false, "USER:OOMKilled", retryable, USER, "SIGKILL"},
		{"--timeout passed", "sleep_forever", func(r *taskRun) {
			r.flags = []string{"--timeout", "1s", "--grace-period", "1s"}
		}, false, "USER:Timeout", permanent, USER, "timeout"},
		{"writing outputs failed (file size limit)", "greet", func(r *taskRun) {
			// ~300 KB of outputs under a 128 KB file size limit (EFBIG).
			r.writeInputs(map[string]*core.Literal{"name": strLit(strings.Repeat("x", 300*1024))})
			r.wrapper = []string{"prlimit", "--fsize=131072", "--"}
		}, true, "SYSTEM", retryable, SYSTEM, "outputs.pb"},
	}
	for _, c := range cases {
		t.Run(c.row, func(t *testing.T) {
			r := newRun(t)
			if c.setup != nil {
				c.setup(r)
			}
			res := r.run(c.task)
			if res.exitCode != 0 {
				t.Fatalf("exit %d, the table promises 0\nstderr:\n%s", res.exitCode, res.stderr)
			}
			v := r.engineVerdict(res, c.declared)
			if v.phase != c.phase || v.origin != c.origin || v.code != c.code {
				t.Fatalf("engine verdict %v\nwant %v origin=%v code=%q\nstderr:\n%s",
					v, c.phase, c.origin, c.code, res.stderr)
			}
			if !strings.Contains(v.message, c.message) {
				t.Errorf("message %q does not contain %q", v.message, c.message)
			}
		})
	}
}

// FLYTE_FAIL_ON_ERROR=true makes flyte-execute exit 1 after writing error.pb
// (pyflyte-execute's behaviour). The engine then never reads error.pb: it
// classifies the pod, and a NON_RECOVERABLE user error becomes retryable.
func TestFailOnErrorHidesTheErrorDocumentFromTheEngine(t *testing.T) {
	r := newRun(t)
	r.env["FLYTE_FAIL_ON_ERROR"] = "true"
	res := r.run("fail_runtime")
	if res.exitCode != 1 {
		t.Fatalf("exit %d, want 1\nstderr:\n%s", res.exitCode, res.stderr)
	}
	if v := r.readResult(false, 0); v.code != "USER:RuntimeError" {
		t.Fatalf("error.pb holds %v, want USER:RuntimeError", v)
	}
	failed, running := podVerdicts(t, res.exitCode)
	if failed.phase != retryable || failed.origin != SYSTEM || failed.code != "Interrupted" {
		t.Errorf("pod Failed: %v, want a SYSTEM retryable Interrupted", failed)
	}
	if running.phase != retryable || running.origin != USER {
		t.Errorf("primary container terminated: %v, want a USER retryable failure", running)
	}
}

// Last rows of the table: the output prefix, or even the staged error.pb,
// cannot be written; nothing is written and flyte-execute exits 1. The engine
// classifies the pod (never reads the prefix): pod Failed gives SYSTEM
// retryable "Interrupted", the primary container seen terminated first USER
// retryable.
func TestNothingWrittenIsClassifiedFromThePod(t *testing.T) {
	cases := []struct {
		row   string
		setup func(t *testing.T, r *taskRun)
		task  string
	}{
		{"output prefix cannot be written", func(t *testing.T, r *taskRun) {
			blocker := localPath(r.outPrefix) + "-file"
			if err := os.WriteFile(blocker, []byte("not a folder"), 0o644); err != nil {
				t.Fatal(err)
			}
			r.outPrefix = r.outPrefix + "-file/out"
		}, "add"},
		{"not even error.pb fits (file size limit 0)", func(t *testing.T, r *taskRun) {
			r.wrapper = []string{"prlimit", "--fsize=0", "--"}
		}, "fail_runtime"},
	}
	for _, c := range cases {
		t.Run(c.row, func(t *testing.T) {
			r := newRun(t)
			r.writeInputs(map[string]*core.Literal{"a": intLit(40), "b": intLit(2)})
			c.setup(t, r)
			res := r.run(c.task)
			if res.exitCode != 1 {
				t.Fatalf("exit %d, want 1\nstderr:\n%s", res.exitCode, res.stderr)
			}
			failed, running := podVerdicts(t, res.exitCode)
			if failed.phase != retryable || failed.origin != SYSTEM || failed.code != "Interrupted" {
				t.Errorf("pod Failed: %v, want SYSTEM retryable Interrupted", failed)
			}
			if running.phase != retryable || running.origin != USER {
				t.Errorf("primary container terminated: %v, want USER retryable", running)
			}
		})
	}
}

// SIGINT (a local Ctrl-C; Kubernetes never sends it): whatever exit code the
// runtime picks, the engine's verdict is a SYSTEM retryable failure.
func TestSigintIsASystemRetryableFailure(t *testing.T) {
	r := newRun(t)
	r.flags = []string{"--grace-period", "1s"}
	cmd, stdout, stderr := r.start(r.containerArgs("ignore_sigterm"))
	waitForTask(t, cmd, stdout, stderr, "ignore_sigterm: ignoring SIGTERM")
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	res := r.wait(cmd, stdout, stderr, 60*time.Second)
	if v := r.engineVerdict(res, false); v.phase != retryable || v.origin != SYSTEM {
		t.Fatalf("exit %d, engine verdict %v, want SYSTEM retryable\nstderr:\n%s", res.exitCode, v, res.stderr)
	}
}

// Pod statuses the binary cannot produce by itself: the container's whole
// cgroup killed (the OOM killer with memory.oom.group, the default on cgroup
// v2 since Kubernetes 1.28, kills flyte-execute too) or SIGKILL after the
// pod's grace period (node drain). Both are retried; only the OOM kill is the
// user's.
func TestContainerKilledOutright(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		exitCode int32
		reason   string
		phase    v1.PodPhase
		want     pluginsCore.Phase
		origin   core.ExecutionError_ErrorKind
		code     string
	}{
		{"OOM-killed container", 137, "OOMKilled", v1.PodFailed, retryable, USER, "OOMKilled"},
		{"SIGKILL after the grace period", 137, "Error", v1.PodFailed, retryable, SYSTEM, "Interrupted"},
		{"exit 0 but a container was OOM-killed", 0, "OOMKilled", v1.PodSucceeded, retryable, USER, "OOMKilled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cs := v1.ContainerStatus{Name: primary, State: v1.ContainerState{Terminated: &v1.ContainerStateTerminated{
				ExitCode: c.exitCode, Reason: c.reason}}}
			status := v1.PodStatus{Phase: c.phase, ContainerStatuses: []v1.ContainerStatus{cs}}
			var p pluginsCore.PhaseInfo
			var err error
			if c.phase == v1.PodFailed {
				p, err = flytek8s.DemystifyFailure(ctx, status, pluginsCore.TaskInfo{}, primary)
			} else {
				p, err = flytek8s.DemystifySuccess(status, pluginsCore.TaskInfo{})
			}
			if err != nil {
				t.Fatal(err)
			}
			if v := fromPhaseInfo(p); v.phase != c.want || v.origin != c.origin || v.code != c.code {
				t.Fatalf("%v, want %v origin=%v code=%q", v, c.want, c.origin, c.code)
			}
		})
	}
}
