/* The C API in a few lines: classify each image named on the command line with a bundle.
 *   ofa-c-classify BUNDLE IMAGE... */
#include <stdio.h>
#include <stdlib.h>

#include <ofa/runtime.h>

int main(int argc, char** argv) {
  ofa_runtime* rt;
  float* input;
  float* logits;
  int i, classes, max_r = 0, level;
  if (argc < 3) {
    fprintf(stderr, "usage: %s BUNDLE IMAGE...\n", argv[0]);
    return 2;
  }
  rt = ofa_runtime_open(argv[1], "cpu");
  if (rt == NULL) {
    fprintf(stderr, "ofa-c-classify: error: %s\n", ofa_runtime_last_error());
    return 2;
  }
  for (level = 0; level < ofa_runtime_levels(rt); ++level)
    if (ofa_runtime_level_resolution(rt, level) > max_r) max_r = ofa_runtime_level_resolution(rt, level);
  classes = ofa_runtime_classes(rt);
  input = malloc(sizeof(float) * 3 * (size_t)max_r * (size_t)max_r);
  logits = malloc(sizeof(float) * (size_t)classes);
  for (i = 2; i < argc; ++i) {
    const int r = ofa_runtime_resolution(rt);
    ofa_runtime_frame frame;
    int c, best = 0;
    if (ofa_runtime_load_image(argv[i], r, input, 3LL * max_r * max_r) != 0 ||
        ofa_runtime_infer(rt, input, 1, r, r, logits, classes) != 0 || ofa_runtime_last_frame(rt, &frame) != 0) {
      fprintf(stderr, "ofa-c-classify: error: %s\n", ofa_runtime_last_error());
      free(input);
      free(logits);
      ofa_runtime_close(rt);
      return 2;
    }
    for (c = 1; c < classes; ++c)
      if (logits[c] > logits[best]) best = c;
    printf("%s\tclass %d\tlevel %d\t%.2f ms\n", argv[i], best, frame.level, frame.latency_ms);
  }
  free(input);
  free(logits);
  ofa_runtime_close(rt);
  return 0;
}
