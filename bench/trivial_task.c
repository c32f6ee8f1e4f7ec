/* The task the whole-process baselines call: two ints in, one out. Plain C,
 * no flyte headers, so the baselines measure only exec + dlopen + call + I/O. */
#include <stdint.h>

__attribute__((visibility("default"))) int64_t bench_add(int64_t a, int64_t b) {
  return a + b;
}
