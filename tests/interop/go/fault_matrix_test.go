package interop

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/core"
	pluginsCore "github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/core"
	"google.golang.org/protobuf/proto"
)

// Every row of our fault matrix (tests/integration/fault_matrix_test.cpp and
// fault_matrix_storage_test.cpp, which check the README's failure table with
// our own decoder) judged again by the engine: run.sh runs the matrix with
// FLYTE_FAULT_EXPORT_DIR, each row leaves what it published and what the
// table promises (tests/support/fault_export.hpp), and here propeller's path
// decides: exit 0 → the output reader; any other exit → the pod-failure
// classification, the engine never reading the files.
func TestFaultMatrixRowsAsTheEngineJudgesThem(t *testing.T) {
	root := os.Getenv("FLYTE_FAULT_EXPORT_DIR")
	if root == "" {
		t.Fatal("FLYTE_FAULT_EXPORT_DIR is not set: tests/interop/go/run.sh runs the fault matrix into it")
	}
	rows, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	// The matrix has about 60 rows; far fewer means it did not run.
	if len(rows) < 40 {
		t.Fatalf("%s holds %d exported rows, want the whole fault matrix (40 or more)", root, len(rows))
	}
	for _, row := range rows {
		dir := filepath.Join(root, row.Name())
		t.Run(row.Name(), func(t *testing.T) {
			expect := readExpect(t, filepath.Join(dir, "expect.txt"))
			t.Log(expect["row"])
			exitCode, err := strconv.Atoi(expect["exit_code"])
			if err != nil {
				t.Fatal(err)
			}
			r := newRun(t)
			var outputsSize int64
			for _, file := range []string{"outputs.pb", "error.pb"} {
				data, err := os.ReadFile(filepath.Join(dir, file))
				if os.IsNotExist(err) {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(localPath(r.outPrefix), file), data, 0o644); err != nil {
					t.Fatal(err)
				}
				if file == "outputs.pb" {
					outputsSize = int64(len(data))
				}
			}
			// A task without outputs publishes an empty LiteralMap (0 bytes),
			// which propeller never reads (the interface declares nothing).
			declared := outputsSize > 0
			v := r.engineVerdict(runResult{exitCode: int32(exitCode)}, declared)
			if exitCode == 0 && outputsSize > 2<<20 {
				// A row that needs a large result (to make publication slow)
				// is over the engine's default download limit: its verdict is
				// the documented "output size exceeded" (sizes_test.go), and
				// the file is still a whole LiteralMap.
				if v.code != "OutputSizeExceeded" {
					t.Fatalf("a %d-byte outputs.pb: engine verdict %v, want OutputSizeExceeded", outputsSize, v)
				}
				data, err := os.ReadFile(filepath.Join(dir, "outputs.pb"))
				if err != nil {
					t.Fatal(err)
				}
				if err := proto.Unmarshal(data, &core.LiteralMap{}); err != nil {
					t.Fatalf("the published outputs.pb is not a LiteralMap: %v", err)
				}
				return
			}
			switch expect["document"] {
			case "outputs":
				if exitCode != 0 || v.phase != pluginsCore.PhaseSuccess {
					t.Fatalf("exit %d, engine verdict %v; the table promises a success", exitCode, v)
				}
			case "error":
				want := pluginsCore.PhasePermanentFailure
				if expect["kind"] == "RECOVERABLE" {
					want = pluginsCore.PhaseRetryableFailure
				}
				if exitCode != 0 {
					t.Fatalf("exit %d: the engine would never read the error.pb (verdict %v)", exitCode, v)
				}
				if v.phase != want || v.origin.String() != expect["origin"] || v.code != expect["code"] {
					t.Fatalf("engine verdict %v; the table promises %v origin=%s code=%q",
						v, want, expect["origin"], expect["code"])
				}
			case "none":
				if v.phase == pluginsCore.PhaseSuccess {
					t.Fatalf("exit %d with no document: the engine calls it a success", exitCode)
				}
			default:
				t.Fatalf("unknown document %q", expect["document"])
			}
		})
	}
}

func readExpect(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	values := map[string]string{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if key, value, ok := strings.Cut(lines.Text(), "="); ok {
			values[key] = value
		}
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	return values
}
