/* <ofa/runtime.h> compiled as C99 (a C++ test can't tell): open a bundle, count its levels, close. */
#include <stddef.h>

#include <ofa/runtime.h>

int ofa_c_header_check(const char* bundle) {
  ofa_runtime* rt = ofa_runtime_open(bundle, "cpu");
  ofa_runtime_frame frame;
  int levels;
  if (rt == NULL) return -1;
  levels = ofa_runtime_levels(rt);
  if (ofa_runtime_last_frame(rt, &frame) == 0) levels = -2; /* no frame served yet */
  ofa_runtime_close(rt);
  return levels;
}
