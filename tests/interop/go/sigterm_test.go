package interop

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"
	v1 "k8s.io/api/core/v1"

	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/core"
	pluginsCore "github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/core"
	"github.com/flyteorg/flyte/flyteplugins/go/tasks/pluginmachinery/flytek8s"
	"github.com/flyteorg/flyte/flytestdlib/storage"
)

// A pod deleted by Kubernetes (preemption, node drain) gets SIGTERM. Which exit
// code lets the retry count against the engine's system budget (SYSTEM origin,
// default 3 retries) rather than the task's own retries (USER origin; default
// retries=0, so every preemption would fail the execution)?
func TestSigtermExitCodeDecidesTheRetryBudget(t *testing.T) {
	// (a) exit 143 after SIGTERM: the error document is never read; the pod
	// status decides, and it depends on what propeller sees first.
	failed, running := podVerdicts(t, 128+int32(syscall.SIGTERM))
	t.Run("exit 143, pod Failed", func(t *testing.T) {
		if failed.phase != retryable || failed.origin != SYSTEM || failed.code != "Interrupted" {
			t.Fatalf("%v, want SYSTEM retryable Interrupted", failed)
		}
	})
	t.Run("exit 143, primary container terminated while the pod is Running", func(t *testing.T) {
		// The USER verdict: a preempted task with retries=0 fails for good.
		if running.phase != retryable || running.origin != USER {
			t.Fatalf("%v, want USER retryable", running)
		}
	})
	// (b) exit 0 after writing a SYSTEM RECOVERABLE error.pb: the pod succeeded,
	// the engine reads the document and the verdict is ours, on either path.
	t.Run("exit 0 with a SYSTEM RECOVERABLE error.pb", func(t *testing.T) {
		r := newRun(t)
		doc := &core.ErrorDocument{Error: &core.ContainerError{
			Code: "SYSTEM", Message: "the container was asked to stop (SIGTERM)",
			Kind: core.ContainerError_RECOVERABLE, Origin: core.ExecutionError_SYSTEM,
			Timestamp: timestamppb.Now()}}
		errRef := storage.DataReference(string(r.outPrefix) + "/error.pb")
		if err := store.WriteProtobuf(context.Background(), errRef, storage.Options{}, doc); err != nil {
			t.Fatal(err)
		}
		for _, declared := range []bool{false, true} {
			v := r.engineVerdict(runResult{exitCode: 0}, declared)
			if v.phase != retryable || v.origin != SYSTEM || v.code != "SYSTEM" {
				t.Fatalf("outputs declared %v: %v, want SYSTEM retryable", declared, v)
			}
		}
		info := pluginsCore.TaskInfo{}
		p := flytek8s.DeterminePrimaryContainerPhase(context.Background(), primary,
			[]v1.ContainerStatus{terminated(0)}, &info)
		if p.Phase() != pluginsCore.PhaseSuccess {
			t.Fatalf("primary container exited 0: %v, want success (then error.pb is read)", p.Phase())
		}
	})
}

// The real binary after SIGTERM must give the (b) verdict: exit 0 and a
// SYSTEM RECOVERABLE error.pb (wip-reliability makes the runtime do this).
func TestSigtermOnTheRealBinaryRetriesOnTheSystemBudget(t *testing.T) {
	cases := []struct {
		task, marker string
		flags        []string
		checkpoint   bool
	}{
		{task: "sleep_forever", flags: []string{"--grace-period", "2s"}},
		{task: "checkpoint_on_sigterm", marker: "checkpoint_on_sigterm: waiting for SIGTERM",
			flags: []string{"--grace-period", "30s"}, checkpoint: true},
		{task: "ignore_sigterm", marker: "ignore_sigterm: ignoring SIGTERM", flags: []string{"--grace-period", "1s"}},
	}
	for _, c := range cases {
		t.Run(c.task, func(t *testing.T) {
			r := newRun(t)
			r.flags = c.flags
			cmd, stdout, stderr := r.start(r.containerArgs(c.task))
			waitForTask(t, cmd, stdout, stderr, c.marker)
			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			res := r.wait(cmd, stdout, stderr, 60*time.Second)
			v := r.engineVerdict(res, false)
			if res.exitCode != 0 || v.phase != retryable || v.origin != SYSTEM {
				t.Fatalf("exit %d, engine verdict %v; want exit 0 with a SYSTEM RECOVERABLE error.pb "+
					"(only that verdict is the same on every path propeller can take)\nstderr:\n%s",
					res.exitCode, v, res.stderr)
			}
			if !strings.Contains(v.message, "SIGTERM") {
				t.Errorf("message %q does not name SIGTERM", v.message)
			}
			if c.checkpoint {
				if !checkpointHolds(t, localPath(r.checkpoint), "terminated") {
					t.Errorf("no checkpoint 'terminated' under %s", r.checkpoint)
				}
			}
		})
	}
}

// waitForTask returns once flyte-execute's task process runs (and printed
// marker, if any): only then does a signal reach a running task.
func waitForTask(t *testing.T, cmd *exec.Cmd, stdout, stderr *bytes.Buffer, marker string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for childOf(cmd.Process.Pid) == 0 || (marker != "" && !strings.Contains(stderr.String()+stdout.String(), marker)) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the task did not start\nstderr:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// childOf is the pid of a child process of parent (0 if none), from /proc.
func childOf(parent int) int {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		rest := string(stat)
		if i := strings.LastIndexByte(rest, ')'); i >= 0 {
			rest = rest[i+1:]
		}
		var state string
		var ppid int
		if _, err := fmt.Sscan(rest, &state, &ppid); err == nil && ppid == parent {
			return pid
		}
	}
	return 0
}

func checkpointHolds(t *testing.T, dir, content string) bool {
	t.Helper()
	found := false
	_ = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			if data, err := os.ReadFile(path); err == nil && string(data) == content {
				found = true
			}
		}
		return nil
	})
	return found
}
