/* Baseline (a): the physical floor of a task entrypoint. Reads a small input
 * file, dlopens a library, calls a symbol, writes the result atomically
 * (temp + fsync + rename). No parsing, no logging, no configuration.
 *   baseline_bare INPUT LIBRARY OUTPUT_DIR */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s INPUT LIBRARY OUTPUT_DIR\n", argv[0]);
    return 2;
  }
  char input[4096];
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  if (fd < 0) return perror("open input"), 1;
  ssize_t n = read(fd, input, sizeof input);
  close(fd);
  if (n < 0) return perror("read"), 1;

  void* lib = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
  if (!lib) return fprintf(stderr, "%s\n", dlerror()), 1;
  int64_t (*add)(int64_t, int64_t) = (int64_t(*)(int64_t, int64_t))dlsym(lib, "bench_add");
  if (!add) return fprintf(stderr, "%s\n", dlerror()), 1;
  int64_t result = add((int64_t)n, 1);

  char tmp[4096], final_path[4096];
  snprintf(tmp, sizeof tmp, "%s/.outputs.pb.tmp", argv[3]);
  snprintf(final_path, sizeof final_path, "%s/outputs.pb", argv[3]);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return perror("open output"), 1;
  if (write(fd, &result, sizeof result) != (ssize_t)sizeof result) return perror("write"), 1;
  if (fsync(fd) != 0) return perror("fsync"), 1;
  close(fd);
  if (rename(tmp, final_path) != 0) return perror("rename"), 1;
  return 0;
}
