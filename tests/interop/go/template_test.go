package interop

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/core"
	pluginsCore "github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/core"
	"github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/core/template"
	"github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/ioutils"
	"github.com/flyteorg/flyte/flytestdlib/storage"
)

// The two parts of TaskExecutionMetadata the renderer reads.
type execMetadata struct {
	pluginsCore.TaskExecutionMetadata
}
type execID struct{ pluginsCore.TaskExecutionID }

func (execMetadata) GetTaskExecutionID() pluginsCore.TaskExecutionID { return execID{} }
func (execMetadata) GetNamespace() string                            { return "flytesnacks-development" }
func (execID) GetGeneratedName() string                              { return "f8a0b1c2d3-n0-0" }

// render is propeller's rendering of the args for one attempt (flyteplugins
// flytek8s container_helper: template.Render with the attempt's input reader
// and checkpoint-aware output paths).
func render(t *testing.T, r *taskRun, args []string, prevCheckpoint storage.DataReference) []string {
	t.Helper()
	ctx := context.Background()
	inputPrefix := storage.DataReference(strings.TrimSuffix(string(r.input), "/inputs.pb"))
	rendered, err := template.Render(ctx, args, template.Parameters{
		TaskExecMetadata: execMetadata{},
		Inputs:           ioutils.NewRemoteFileInputReader(ctx, store, ioutils.NewInputFilePaths(ctx, store, inputPrefix)),
		OutputPath: ioutils.NewCheckpointRemoteFilePaths(ctx, store, r.outPrefix,
			ioutils.NewRawOutputPaths(ctx, r.rawPrefix), prevCheckpoint),
	})
	if err != nil {
		t.Fatal(err)
	}
	return rendered
}

// The args `flyte-execute package` registers, rendered as propeller renders
// them for a first attempt, run the task.
func TestPackagedContainerArgsRenderedByTheEngineRun(t *testing.T) {
	r := newRun(t)
	r.writeInputs(map[string]*core.Literal{"name": strLit("Flyte")})
	args := render(t, r, packagedArgs(t, "greet"), "")
	for i, a := range args {
		if strings.Contains(a, "{{") {
			t.Fatalf("arg %d %q was not rendered", i, a)
		}
	}
	if i := indexOf(args, "--prev-checkpoint"); i < 0 || args[i+1] != `""` {
		t.Fatalf("a first attempt's previous checkpoint renders as %q, want the two characters \"\"", args)
	}
	cmd, stdout, stderr := r.start(args)
	res := r.wait(cmd, stdout, stderr, time.Minute)
	if res.exitCode != 0 {
		t.Fatalf("exit %d with the rendered args %q\nstderr:\n%s", res.exitCode, args, res.stderr)
	}
	v := r.engineVerdict(res, true)
	if v.phase != pluginsCore.PhaseSuccess {
		t.Fatalf("engine verdict %v, want success\nargs %q\nstderr:\n%s", v, args, res.stderr)
	}
	sameLiterals(t, v.outputs, map[string]*core.Literal{"greeting": strLit("Hello, Flyte!")})
}

// A retry gets the previous attempt's checkpoint prefix; the task resumes.
func TestRenderedPreviousCheckpointIsRestored(t *testing.T) {
	args := packagedArgs(t, "checkpoint_counter")
	inputs := map[string]*core.Literal{"iterations": intLit(3)}

	first := newRun(t)
	first.writeInputs(inputs)
	cmd, stdout, stderr := first.start(render(t, first, args, ""))
	res := first.wait(cmd, stdout, stderr, time.Minute)
	v := first.engineVerdict(res, true)
	if v.phase != pluginsCore.PhaseSuccess {
		t.Fatalf("first attempt: exit %d, %v\nstderr:\n%s", res.exitCode, v, res.stderr)
	}
	sameLiterals(t, v.outputs, map[string]*core.Literal{"ran": intLit(3)})
	firstCheckpoint := ioutils.NewCheckpointRemoteFilePaths(context.Background(), store, first.outPrefix,
		ioutils.NewRawOutputPaths(context.Background(), first.rawPrefix), "").GetCheckpointPrefix()

	second := newRunNamed(t, "retry")
	second.writeInputs(inputs)
	rendered := render(t, second, args, firstCheckpoint)
	if i := indexOf(rendered, "--prev-checkpoint"); rendered[i+1] != string(firstCheckpoint) {
		t.Fatalf("previous checkpoint rendered as %q, want %q", rendered[i+1], firstCheckpoint)
	}
	cmd, stdout, stderr = second.start(rendered)
	res = second.wait(cmd, stdout, stderr, time.Minute)
	v = second.engineVerdict(res, true)
	if v.phase != pluginsCore.PhaseSuccess {
		t.Fatalf("retry: exit %d, %v\nstderr:\n%s", res.exitCode, v, res.stderr)
	}
	sameLiterals(t, v.outputs, map[string]*core.Literal{"ran": intLit(0)})
}

func indexOf(args []string, s string) int {
	for i, a := range args {
		if a == s {
			return i
		}
	}
	return -1
}
