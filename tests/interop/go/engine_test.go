// Package interop runs flyte-execute as Flyte's engine starts a task container
// and judges what it leaves behind with the engine's own code (flyteorg/flyte
// v1.16.8): flyteplugins' output reader over flytestdlib storage, its pod
// failure classification and its container-args renderer. It is a consumer of
// that code, not a second implementation: the only logic of our own here is
// the order in which propeller calls it (cited at each helper).
//
// Environment (tests/interop/go/run.sh sets it):
//
//	FLYTE_EXECUTE      the flyte-execute binary
//	FLYTE_EXAMPLE_LIBS the folder with libexample_tasks.so and friends
package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flyteorg/stow/local"
	"google.golang.org/protobuf/proto"
	v1 "k8s.io/api/core/v1"

	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/core"
	pluginsCore "github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/core"
	"github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/flytek8s"
	"github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/io"
	"github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/ioutils"
	"github.com/flyteorg/flyte/flytestdlib/contextutils"
	"github.com/flyteorg/flyte/flytestdlib/logger"
	"github.com/flyteorg/flyte/flytestdlib/promutils"
	"github.com/flyteorg/flyte/flytestdlib/promutils/labeled"
	"github.com/flyteorg/flyte/flytestdlib/storage"
)

// The store's single container ("bucket"): file://bucket/<key> is
// <storeRoot>/bucket/<key>. flyte-execute runs with <storeRoot> as its
// working folder, where the same URI names the same file (a file:// URI
// with a host part is a path relative to the working folder, as in fsspec).
const bucket = "bucket"

var (
	flyteExecute string
	exampleLibs  string
	storeRoot    string
	store        *storage.DataStore
)

func TestMain(m *testing.M) {
	flyteExecute = os.Getenv("FLYTE_EXECUTE")
	exampleLibs = os.Getenv("FLYTE_EXAMPLE_LIBS")
	if flyteExecute == "" || exampleLibs == "" {
		fmt.Fprintln(os.Stderr, "interop: set FLYTE_EXECUTE (the flyte-execute binary) and "+
			"FLYTE_EXAMPLE_LIBS (the folder with libexample_tasks.so); tests/interop/go/run.sh does")
		os.Exit(2)
	}
	for _, p := range []string{flyteExecute, exampleLib("example_tasks")} {
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(os.Stderr, "interop: %v\n", err)
			os.Exit(2)
		}
	}
	// The engine's info and warning lines would bury the test's own output.
	if err := logger.SetConfig(&logger.Config{Level: logger.ErrorLevel}); err != nil {
		fmt.Fprintf(os.Stderr, "interop: %v\n", err)
		os.Exit(2)
	}
	// As propeller's start-up does, before any store is created.
	labeled.SetMetricKeys(contextutils.ProjectKey, contextutils.DomainKey, contextutils.WorkflowIDKey,
		contextutils.TaskIDKey)
	var err error
	storeRoot, err = os.MkdirTemp("", "flyte-go-interop-")
	if err == nil {
		err = os.Mkdir(filepath.Join(storeRoot, bucket), 0o755)
	}
	if err == nil {
		// The engine's data store, as propeller configures it for a local
		// sandbox (stow "local"), with the default limits (maxDownloadMBs 2).
		store, err = storage.NewDataStore(&storage.Config{
			Type:          storage.TypeLocal,
			InitContainer: bucket,
			Stow: storage.StowConfig{
				Kind:   local.Kind,
				Config: map[string]string{local.ConfigKeyPath: storeRoot},
			},
			Limits: storage.LimitsConfig{GetLimitMegabytes: 2},
		}, promutils.NewTestScope())
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "interop: cannot set up the local data store: %v\n", err)
		os.Exit(2)
	}
	code := m.Run()
	if code == 0 {
		_ = os.RemoveAll(storeRoot)
	} else {
		fmt.Fprintf(os.Stderr, "interop: the failed runs' files are kept in %s\n", storeRoot)
	}
	os.Exit(code)
}

func exampleLib(name string) string {
	return filepath.Join(exampleLibs, "lib"+name+".so")
}

// taskRun is one task attempt: its prefixes in the data store, as propeller
// lays them out (inputs.pb, outputs.pb and error.pb under one prefix each).
type taskRun struct {
	t          *testing.T
	key        string // the run's folder inside the bucket
	input      storage.DataReference
	outPrefix  storage.DataReference
	rawPrefix  storage.DataReference
	checkpoint storage.DataReference
	prevCheck  string
	library    string
	flags      []string
	env        map[string]string
	wrapper    []string // a command the binary is started under (prlimit)
}

func newRun(t *testing.T) *taskRun {
	t.Helper()
	return newRunNamed(t, "")
}

// newRunNamed is another attempt of the same test (a retry).
func newRunNamed(t *testing.T, attempt string) *taskRun {
	t.Helper()
	key := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	if attempt != "" {
		key += "-" + attempt
	}
	for _, sub := range []string{"in", "out", "raw", "checkpoint"} {
		if err := os.MkdirAll(filepath.Join(storeRoot, bucket, key, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ref := func(parts ...string) storage.DataReference {
		return storage.DataReference("file://" + bucket + "/" + key + "/" + strings.Join(parts, "/"))
	}
	r := &taskRun{
		t: t, key: key,
		input:      ref("in", "inputs.pb"),
		outPrefix:  ref("out"),
		rawPrefix:  ref("raw"),
		checkpoint: ref("checkpoint"),
		prevCheck:  `""`, // what the engine renders for a first attempt
		library:    exampleLib("example_tasks"),
		env:        map[string]string{},
	}
	// Propeller writes an inputs.pb for every task, empty when it has none.
	r.writeInputs(nil)
	return r
}

// localPath is where a file:// reference of the store lives on disk.
func localPath(ref storage.DataReference) string {
	return filepath.Join(storeRoot, strings.TrimPrefix(string(ref), "file://"))
}

func (r *taskRun) writeInputs(literals map[string]*core.Literal) {
	r.t.Helper()
	if err := store.WriteProtobuf(context.Background(), r.input, storage.Options{},
		&core.LiteralMap{Literals: literals}); err != nil {
		r.t.Fatal(err)
	}
}

func (r *taskRun) writeRawInputs(data []byte) {
	r.t.Helper()
	if err := os.WriteFile(localPath(r.input), data, 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// containerArgs are the args of the README's TaskTemplate (section "Running
// on a Flyte cluster") after rendering.
func (r *taskRun) containerArgs(task string) []string {
	args := append([]string{}, r.flags...)
	return append(args,
		"--inputs", string(r.input),
		"--output-prefix", string(r.outPrefix),
		"--raw-output-data-prefix", string(r.rawPrefix),
		"--checkpoint-path", string(r.checkpoint),
		"--prev-checkpoint", r.prevCheck,
		"--resolver", "flyte", "--", "task-library", r.library, "task-name", task)
}

// podEnv is what propeller sets on every task pod (CONTRACT §11), on top of
// the test's own environment minus anything that would change the outcome.
func (r *taskRun) podEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "_F_L_") || strings.HasPrefix(kv, "FLYTE_") {
			continue
		}
		env = append(env, kv)
	}
	pod := map[string]string{
		"FLYTE_INTERNAL_EXECUTION_ID":       "f8a0b1c2d3",
		"FLYTE_INTERNAL_EXECUTION_PROJECT":  "flytesnacks",
		"FLYTE_INTERNAL_EXECUTION_DOMAIN":   "development",
		"FLYTE_INTERNAL_EXECUTION_WORKFLOW": "interop.wf",
		"FLYTE_ATTEMPT_NUMBER":              "0",
		"FLYTE_INTERNAL_TASK_PROJECT":       "flytesnacks",
		"FLYTE_INTERNAL_TASK_DOMAIN":        "development",
		"FLYTE_INTERNAL_TASK_NAME":          "interop.task",
		"FLYTE_INTERNAL_TASK_VERSION":       "v1",
		"FLYTE_SECRETS_DEFAULT_DIR":         filepath.Join(storeRoot, bucket, r.key, "secrets"),
	}
	for k, v := range r.env {
		pod[k] = v
	}
	for k, v := range pod {
		env = append(env, k+"="+v)
	}
	return env
}

type runResult struct {
	exitCode int32 // as the kubelet reports it: 128+n for a death by signal n
	stdout   string
	stderr   string
}

// start runs flyte-execute with args as a container's main process.
func (r *taskRun) start(args []string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	r.t.Helper()
	argv := append(append([]string{}, r.wrapper...), flyteExecute)
	argv = append(argv, args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = storeRoot
	cmd.Env = r.podEnv()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	return cmd, &stdout, &stderr
}

func (r *taskRun) wait(cmd *exec.Cmd, stdout, stderr *bytes.Buffer, limit time.Duration) runResult {
	r.t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(limit):
		_ = cmd.Process.Kill()
		<-done
		r.t.Fatalf("flyte-execute did not end within %v\nstderr:\n%s", limit, stderr.String())
	}
	res := runResult{stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		ws := exitErr.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			res.exitCode = 128 + int32(ws.Signal())
		} else {
			res.exitCode = int32(ws.ExitStatus())
		}
	default:
		r.t.Fatal(err)
	}
	return res
}

func (r *taskRun) run(task string) runResult {
	r.t.Helper()
	cmd, out, errb := r.start(r.containerArgs(task))
	return r.wait(cmd, out, errb, 60*time.Second)
}

// verdict is what the engine decides about an attempt.
type verdict struct {
	phase   pluginsCore.Phase // PhaseSuccess, PhaseRetryableFailure or PhasePermanentFailure
	origin  core.ExecutionError_ErrorKind
	code    string
	message string
	outputs *core.LiteralMap
}

func (v verdict) String() string {
	return fmt.Sprintf("%v origin=%v code=%q message=%q", v.phase, v.origin, v.code, v.message)
}

func fromPhaseInfo(p pluginsCore.PhaseInfo) verdict {
	v := verdict{phase: p.Phase()}
	if e := p.Err(); e != nil {
		v.origin, v.code, v.message = e.GetKind(), e.GetCode(), e.GetMessage()
	}
	return v
}

func fromExecutionError(e *io.ExecutionError) verdict {
	v := verdict{phase: pluginsCore.PhasePermanentFailure, origin: e.GetKind(), code: e.GetCode(),
		message: e.GetMessage()}
	if e.IsRecoverable {
		v.phase = pluginsCore.PhaseRetryableFailure
	}
	return v
}

// outputPaths are the attempt's output paths as propeller builds them.
func (r *taskRun) outputPaths() io.OutputFilePaths {
	return ioutils.NewCheckpointRemoteFilePaths(context.Background(), store, r.outPrefix,
		ioutils.NewRawOutputPaths(context.Background(), r.rawPrefix), "")
}

// readResult is what propeller does with a pod that succeeded
// (flytepropeller pkg/controller/nodes/task/handler.go, Handler.ValidateOutput,
// with the reader pkg/controller/nodes/task/k8s/plugin_manager.go creates):
// error.pb first, then, if the interface declares outputs, outputs.pb within
// the download limit. maxBytes 0 is the engine's default (maxDownloadMBs).
func (r *taskRun) readResult(outputsDeclared bool, maxBytes int64) verdict {
	r.t.Helper()
	ctx := context.Background()
	reader := ioutils.NewRemoteFileOutputReader(ctx, store, r.outputPaths(), maxBytes)
	isErr, err := reader.IsError(ctx)
	if err != nil {
		// Propeller returns the error: the node stays where it is, no verdict.
		return verdict{phase: pluginsCore.PhaseUndefined, message: err.Error()}
	}
	if isErr {
		taskErr, err := reader.ReadError(ctx)
		if err != nil {
			r.t.Fatalf("ReadError: %v", err)
		}
		if taskErr.ExecutionError == nil {
			taskErr.ExecutionError = &core.ExecutionError{Kind: core.ExecutionError_UNKNOWN, Code: "Unknown"}
		}
		return fromExecutionError(&taskErr)
	}
	if !outputsDeclared {
		return verdict{phase: pluginsCore.PhaseSuccess}
	}
	ok, err := reader.Exists(ctx)
	if err != nil {
		if errors.Is(err, ioutils.ErrRemoteFileExceedsMaxSize) {
			return fromExecutionError(&io.ExecutionError{ExecutionError: &core.ExecutionError{
				Code: "OutputSizeExceeded", Message: err.Error()}, IsRecoverable: false})
		}
		r.t.Fatalf("Exists: %v", err)
	}
	if !ok {
		return fromExecutionError(&io.ExecutionError{ExecutionError: &core.ExecutionError{
			Code: "OutputsNotFound", Message: "Outputs not generated by task execution"}, IsRecoverable: true})
	}
	outputs, execErr, err := reader.Read(ctx)
	if err != nil {
		r.t.Fatalf("Read: %v", err)
	}
	if execErr != nil {
		return fromExecutionError(execErr)
	}
	return verdict{phase: pluginsCore.PhaseSuccess, outputs: outputs}
}

const primary = "primary"

// terminated is the primary container's status after its main process ended
// with exitCode, as the kubelet reports it (reason "Completed" or "Error").
func terminated(exitCode int32) v1.ContainerStatus {
	reason := "Error"
	if exitCode == 0 {
		reason = "Completed"
	}
	return v1.ContainerStatus{Name: primary, State: v1.ContainerState{
		Terminated: &v1.ContainerStateTerminated{ExitCode: exitCode, Reason: reason}}}
}

// podVerdicts classifies a container that exited non-zero the two ways the
// pod plugin (flyteplugins go/tasks/plugins/k8s/pod, DemystifyPodStatus) can
// see it: the pod already Failed (DemystifyFailure; a pod whose only container
// ended), or the pod still Running with the primary container terminated
// (DeterminePrimaryContainerPhase; a container task's pod carries the
// primary-container annotation, and an injected sidecar, e.g. a service mesh
// proxy, keeps the pod Running after the task's container ended).
func podVerdicts(t *testing.T, exitCode int32) (podFailed, primaryTerminated verdict) {
	t.Helper()
	ctx := context.Background()
	status := v1.PodStatus{Phase: v1.PodFailed, ContainerStatuses: []v1.ContainerStatus{terminated(exitCode)}}
	failed, err := flytek8s.DemystifyFailure(ctx, status, pluginsCore.TaskInfo{}, primary)
	if err != nil {
		t.Fatal(err)
	}
	info := pluginsCore.TaskInfo{}
	running := flytek8s.DeterminePrimaryContainerPhase(ctx, primary, status.ContainerStatuses, &info)
	return fromPhaseInfo(failed), fromPhaseInfo(running)
}

// engineVerdict is the engine's verdict about a finished attempt: a pod that
// succeeded has its files read; one that failed is classified from its status
// (its files are never read, CONTRACT §11). For a failed pod it returns the
// verdict of the usual path (pod phase Failed).
func (r *taskRun) engineVerdict(res runResult, outputsDeclared bool) verdict {
	r.t.Helper()
	if res.exitCode == 0 {
		status := v1.PodStatus{Phase: v1.PodSucceeded, ContainerStatuses: []v1.ContainerStatus{terminated(0)}}
		p, err := flytek8s.DemystifySuccess(status, pluginsCore.TaskInfo{})
		if err != nil || p.Phase() != pluginsCore.PhaseSuccess {
			r.t.Fatalf("DemystifySuccess: %v %v", p.Phase(), err)
		}
		return r.readResult(outputsDeclared, 0)
	}
	failed, _ := podVerdicts(r.t, res.exitCode)
	return failed
}

// Literal constructors.
func intLit(v int64) *core.Literal {
	return &core.Literal{Value: &core.Literal_Scalar{Scalar: &core.Scalar{Value: &core.Scalar_Primitive{
		Primitive: &core.Primitive{Value: &core.Primitive_Integer{Integer: v}}}}}}
}

func floatLit(v float64) *core.Literal {
	return &core.Literal{Value: &core.Literal_Scalar{Scalar: &core.Scalar{Value: &core.Scalar_Primitive{
		Primitive: &core.Primitive{Value: &core.Primitive_FloatValue{FloatValue: v}}}}}}
}

func strLit(v string) *core.Literal {
	return &core.Literal{Value: &core.Literal_Scalar{Scalar: &core.Scalar{Value: &core.Scalar_Primitive{
		Primitive: &core.Primitive{Value: &core.Primitive_StringValue{StringValue: v}}}}}}
}

func boolLit(v bool) *core.Literal {
	return &core.Literal{Value: &core.Literal_Scalar{Scalar: &core.Scalar{Value: &core.Scalar_Primitive{
		Primitive: &core.Primitive{Value: &core.Primitive_Boolean{Boolean: v}}}}}}
}

func listLit(items ...*core.Literal) *core.Literal {
	return &core.Literal{Value: &core.Literal_Collection{Collection: &core.LiteralCollection{Literals: items}}}
}

func mapLit(items map[string]*core.Literal) *core.Literal {
	return &core.Literal{Value: &core.Literal_Map{Map: &core.LiteralMap{Literals: items}}}
}

// sameLiterals compares what the engine read with what the task should
// have produced, ignoring literal metadata and hashes the runtime may add.
func sameLiterals(t *testing.T, got *core.LiteralMap, want map[string]*core.Literal) {
	t.Helper()
	if len(got.GetLiterals()) != len(want) {
		t.Fatalf("outputs %v, want names of %v", got, want)
	}
	for name, w := range want {
		g := proto.Clone(got.GetLiterals()[name]).(*core.Literal)
		if g == nil {
			t.Fatalf("output %q missing from %v", name, got)
		}
		g.Metadata, g.Hash = nil, ""
		if !proto.Equal(g, w) {
			t.Errorf("output %q = %v, want %v", name, g, w)
		}
	}
}
