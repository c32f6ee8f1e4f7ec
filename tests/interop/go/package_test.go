package interop

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/admin"
	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/core"
	"github.com/flyteorg/flyte/flytepropeller/pkg/compiler"
	"github.com/flyteorg/flyte/flytepropeller/pkg/controller/config"
	"google.golang.org/protobuf/proto"
)

// The TaskSpecs `flyte-execute package` writes for the example library, by
// task name (example_tasks.<task>), with the library path inside the "image"
// being the build folder, so the rendered command runs here as it would in
// the container.
var (
	packagedOnce  sync.Once
	packagedSpecs map[string]*admin.TaskSpec
	packagedErr   error
)

func packaged(t *testing.T) map[string]*admin.TaskSpec {
	t.Helper()
	packagedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "flyte-go-interop-package-")
		if err != nil {
			packagedErr = err
			return
		}
		defer os.RemoveAll(dir)
		tgz := filepath.Join(dir, "flyte-package.tgz")
		out, err := exec.Command(flyteExecute, "package", exampleLib("example_tasks"),
			"--image", "ex:1", "--lib-dir", exampleLibs, "-o", tgz).CombinedOutput()
		if err != nil {
			packagedErr = errors.New("flyte-execute package failed: " + err.Error() + "\n" + string(out))
			return
		}
		packagedSpecs, packagedErr = readPackage(tgz)
	})
	if packagedErr != nil {
		t.Fatal(packagedErr)
	}
	return packagedSpecs
}

// readPackage decodes every file of the archive as admin.TaskSpec, the way
// flytectl's register files reads a pyflyte package archive.
func readPackage(path string) (map[string]*admin.TaskSpec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	specs := map[string]*admin.TaskSpec{}
	archive := tar.NewReader(gz)
	for {
		header, err := archive.Next()
		if err == io.EOF {
			return specs, nil
		}
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(archive)
		if err != nil {
			return nil, err
		}
		spec := &admin.TaskSpec{}
		if err := proto.Unmarshal(data, spec); err != nil {
			return nil, errors.New(header.Name + " is not an admin.TaskSpec: " + err.Error())
		}
		specs[spec.GetTemplate().GetId().GetName()] = spec
	}
}

func packagedTemplate(t *testing.T, task string) *core.TaskTemplate {
	t.Helper()
	spec, ok := packaged(t)["example_tasks."+task]
	if !ok {
		t.Fatalf("the package has no task example_tasks.%s", task)
	}
	return spec.GetTemplate()
}

// packagedArgs are the container args of a packaged task, as registered.
func packagedArgs(t *testing.T, task string) []string {
	t.Helper()
	return append([]string{}, packagedTemplate(t, task).GetContainer().GetArgs()...)
}

// Propeller hands an offloaded input only to a task whose runtime it lists
// (flytepropeller/pkg/controller/nodes/common.CheckOffloadingCompat with its
// default supported-sdk-versions).
func TestPackagedRuntimeMayReceiveOffloadedInputs(t *testing.T) {
	offloading := config.GetConfig().LiteralOffloadingConfig
	for name, spec := range packaged(t) {
		runtime := spec.GetTemplate().GetMetadata().GetRuntime()
		if !offloading.IsSupportedSDKVersion(context.Background(), runtime.GetType().String(), runtime.GetVersion()) {
			t.Errorf("%s: runtime %v is not in propeller's supported SDKs %v: an offloaded input would fail the node",
				name, runtime, offloading.SupportedSDKVersions)
		}
	}
}

// Every packaged template passes the compiler's task checks (CompileTask:
// interface, container, resources).
func TestPackagedTemplatesCompile(t *testing.T) {
	for name, spec := range packaged(t) {
		if _, err := compiler.CompileTask(spec.GetTemplate()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func binding(node, output string) *core.BindingData {
	return &core.BindingData{Value: &core.BindingData_Promise{Promise: &core.OutputReference{NodeId: node, Var: output}}}
}

// A workflow that chains packaged tasks (greet's output into word_count)
// compiles with propeller's compiler: the interfaces connect as the engine
// types them.
func TestWorkflowOfPackagedTasksCompiles(t *testing.T) {
	greet := packagedTemplate(t, "greet")
	wordCount := packagedTemplate(t, "word_count")
	var wcInput, greetOutput string
	for name := range wordCount.GetInterface().GetInputs().GetVariables() {
		wcInput = name
	}
	for name := range greet.GetInterface().GetOutputs().GetVariables() {
		greetOutput = name
	}
	if wcInput == "" || greetOutput == "" {
		t.Fatalf("greet outputs %v, word_count inputs %v", greet.GetInterface().GetOutputs(), wordCount.GetInterface().GetInputs())
	}
	taskNode := func(id string, task *core.TaskTemplate, bindings map[string]*core.BindingData) *core.Node {
		node := &core.Node{Id: id, Target: &core.Node_TaskNode{TaskNode: &core.TaskNode{
			Reference: &core.TaskNode_ReferenceId{ReferenceId: task.GetId()}}}}
		for v, b := range bindings {
			node.Inputs = append(node.Inputs, &core.Binding{Var: v, Binding: b})
		}
		return node
	}
	stringType := &core.LiteralType{Type: &core.LiteralType_Simple{Simple: core.SimpleType_STRING}}
	wordCountOutputs := wordCount.GetInterface().GetOutputs().GetVariables()
	outputs := &core.VariableMap{Variables: map[string]*core.Variable{}}
	var wfBindings []*core.Binding
	for name, v := range wordCountOutputs {
		outputs.Variables[name] = &core.Variable{Type: v.GetType()}
		wfBindings = append(wfBindings, &core.Binding{Var: name, Binding: binding("n1", name)})
	}
	workflow := &core.WorkflowTemplate{
		Id: &core.Identifier{ResourceType: core.ResourceType_WORKFLOW, Project: "p", Domain: "d", Name: "native_chain", Version: "v"},
		Interface: &core.TypedInterface{
			Inputs:  &core.VariableMap{Variables: map[string]*core.Variable{"who": {Type: stringType}}},
			Outputs: outputs,
		},
		Nodes: []*core.Node{
			taskNode("n0", greet, map[string]*core.BindingData{"name": binding("start-node", "who")}),
			taskNode("n1", wordCount, map[string]*core.BindingData{wcInput: binding("n0", greetOutput)}),
		},
		Outputs: wfBindings,
	}
	var tasks []*core.CompiledTask
	for _, template := range []*core.TaskTemplate{greet, wordCount} {
		compiled, err := compiler.CompileTask(template)
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, compiled)
	}
	if _, err := compiler.CompileWorkflow(workflow, nil, tasks, nil); err != nil {
		t.Fatalf("propeller's compiler refuses a workflow of packaged tasks: %v", err)
	}
}

// The id the package registers is what the compiler resolves by: project,
// domain and version are flytectl's placeholders, filled at registration.
func TestPackagedIdsCarryRegistrationPlaceholders(t *testing.T) {
	id := packagedTemplate(t, "add").GetId()
	for _, part := range []string{id.GetProject(), id.GetDomain(), id.GetVersion()} {
		if !strings.HasPrefix(part, "{{ registration.") {
			t.Errorf("id %v: %q is not a registration placeholder", id, part)
		}
	}
}
