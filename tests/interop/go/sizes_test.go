package interop

import (
	"context"
	"os"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/core"
	"github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/catalog"
	pluginsCore "github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/core"
	"github.com/flyteorg/flyte/flytestdlib/storage"
)

// greet returns "Hello, <name>!": an output as large as its input.
func greetRun(t *testing.T, nameBytes int, env map[string]string) (*taskRun, runResult, string) {
	t.Helper()
	r := newRun(t)
	for k, v := range env {
		r.env[k] = v
	}
	name := strings.Repeat("n", nameBytes)
	r.writeInputs(map[string]*core.Literal{"name": strLit(name)})
	res := r.run("greet")
	if res.exitCode != 0 {
		t.Fatalf("exit %d\nstderr:\n%s", res.exitCode, res.stderr)
	}
	return r, res, "Hello, " + name + "!"
}

// Without offloading (the engine's default: no _F_L_* env) an outputs.pb
// within maxDownloadMBs (2 MB) is read, a larger one is a permanent
// OutputSizeExceeded failure.
func TestOutputSizeLimitWithoutOffloading(t *testing.T) {
	t.Run("1.5 MB is read", func(t *testing.T) {
		r, res, want := greetRun(t, 1536*1024, nil)
		v := r.engineVerdict(res, true)
		if v.phase != pluginsCore.PhaseSuccess {
			t.Fatalf("engine verdict %v, want success", v)
		}
		sameLiterals(t, v.outputs, map[string]*core.Literal{"greeting": strLit(want)})
	})
	t.Run("3 MB exceeds the download limit", func(t *testing.T) {
		r, res, _ := greetRun(t, 3*1024*1024, nil)
		v := r.engineVerdict(res, true)
		if v.phase != permanent || v.code != "OutputSizeExceeded" {
			t.Fatalf("engine verdict %v, want a permanent OutputSizeExceeded", v)
		}
	})
}

// With offloading on (_F_L_MIN_SIZE_MB=1) the large output is written as its
// own Literal next to outputs.pb, which points at it; the
// engine reads outputs.pb and the offloaded literal through its store.
func TestLargeOutputIsOffloaded(t *testing.T) {
	r, res, want := greetRun(t, 3*1024*1024, map[string]string{"_F_L_MIN_SIZE_MB": "1", "_F_L_MAX_SIZE_MB": "1000"})
	v := r.engineVerdict(res, true)
	if v.phase != pluginsCore.PhaseSuccess {
		t.Fatalf("engine verdict %v, want success", v)
	}
	lit := v.outputs.GetLiterals()["greeting"]
	meta := lit.GetOffloadedMetadata()
	if meta == nil {
		t.Fatalf("greeting is not offloaded: %.200v", lit)
	}
	if meta.GetInferredType().GetSimple() != core.SimpleType_STRING {
		t.Errorf("inferred type %v, want STRING", meta.GetInferredType())
	}
	// flytekit's entrypoint writes <output_prefix>/<name>_offloaded_metadata.pb.
	if want := string(r.outPrefix) + "/greeting_offloaded_metadata.pb"; meta.GetUri() != want {
		t.Errorf("offloaded to %s, flytekit writes %s", meta.GetUri(), want)
	}
	if lit.GetHash() == "" {
		t.Errorf("the offloaded literal carries no hash (flytekit and propeller's own offloading set one)")
	}
	// Propeller hands the reference on unread (its store would refuse a
	// literal over maxDownloadMBs too); check the bytes behind it directly.
	var offloaded core.Literal
	data, err := os.ReadFile(localPath(storage.DataReference(meta.GetUri())))
	if err != nil {
		t.Fatal(err)
	}
	if err := proto.Unmarshal(data, &offloaded); err != nil {
		t.Fatal(err)
	}
	if uint64(proto.Size(&offloaded)) != meta.GetSizeBytes() {
		t.Errorf("size_bytes %d, the literal has %d", meta.GetSizeBytes(), proto.Size(&offloaded))
	}
	if !proto.Equal(&offloaded, strLit(want)) {
		t.Errorf("the offloaded literal is not the task's output")
	}
}

// A downstream task with caching keys its cache on its inputs' hashes
// (flyteplugins catalog.HashLiteralMap, which uses a literal's hash when set).
// Two executions that produce the same large value must give the same key,
// although each offloaded literal sits under its own execution's prefix.
func TestOffloadedOutputsKeepTheCacheKeyStable(t *testing.T) {
	env := map[string]string{"_F_L_MIN_SIZE_MB": "1"}
	var keys []string
	for _, attempt := range []string{"first", "second"} {
		t.Run(attempt, func(t *testing.T) {
			r, res, _ := greetRun(t, 3*1024*1024, env)
			v := r.engineVerdict(res, true)
			if v.phase != pluginsCore.PhaseSuccess || v.outputs.GetLiterals()["greeting"].GetOffloadedMetadata() == nil {
				t.Fatalf("engine verdict %v, want success with an offloaded greeting", v)
			}
			key, err := catalog.HashLiteralMap(context.Background(), v.outputs, nil)
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, key)
		})
	}
	if len(keys) == 2 && keys[0] != keys[1] {
		t.Fatalf("cache keys differ for equal values: %q and %q (the offloaded literal needs a content hash)",
			keys[0], keys[1])
	}
}
