package interop

import (
	"context"
	"testing"

	"github.com/flyteorg/flyte/flyteidl/gen/pb-go/flyteidl/core"
	propellerConfig "github.com/flyteorg/flyte/flytepropeller/pkg/controller/config"
)

// Propeller passes an offloaded literal only to a task whose metadata.runtime
// is a supported SDK at a high enough version (nodes/common.CheckOffloadingCompat
// calls LiteralOffloadingConfig.IsSupportedSDKVersion; default FLYTE_SDK >=
// 1.13.14, and the feature itself off). A native task registered with its own
// small version number would be refused such inputs.
func TestOffloadedInputsNeedASupportedRuntimeVersion(t *testing.T) {
	cfg := propellerConfig.GetConfig().LiteralOffloadingConfig
	if cfg.Enabled {
		t.Errorf("literal offloading is on by default in this engine version")
	}
	sdk := core.RuntimeMetadata_FLYTE_SDK.String()
	cases := []struct {
		runtime, version string
		supported        bool
	}{
		{sdk, "1.16.8", true},
		{sdk, "1.13.14", true},
		{sdk, "v1.14.0b0", true},
		{sdk, "1.13.13", false},
		{sdk, "0.1.0", false},
		{sdk, "", false},
		{core.RuntimeMetadata_OTHER.String(), "1.16.8", false},
	}
	for _, c := range cases {
		t.Run(c.runtime+" "+c.version, func(t *testing.T) {
			if got := cfg.IsSupportedSDKVersion(context.Background(), c.runtime, c.version); got != c.supported {
				t.Fatalf("IsSupportedSDKVersion(%q, %q) = %v, want %v", c.runtime, c.version, got, c.supported)
			}
		})
	}
}
