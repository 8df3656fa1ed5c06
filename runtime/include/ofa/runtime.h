/* ofa-runtime's C API (C99): a bundle's levels served under the adaptive policy, for C programs,
 * plugins (GStreamer, DeepStream) and other languages (Rust, Go, Python's ctypes). docs/deploy.md.
 *
 * No C++ type crosses it and no exception leaves it: every function that can fail returns NULL
 * or a negative number, and ofa_runtime_last_error() says why in one line. A handle is used by
 * one thread at a time (the caller's lock, if it shares one). Handles are independent but for
 * LibTorch's process-wide settings, which ofa_runtime_open sets to the bundle's: its intra-op
 * thread count and, on CUDA, whether TF32 is allowed. */
#ifndef OFA_RUNTIME_H
#define OFA_RUNTIME_H

#include <stdint.h>

#include "ofa/runtime/version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ofa_runtime ofa_runtime;

/* What the last ofa_runtime_infer served. */
typedef struct ofa_runtime_frame {
  int64_t frame;      /* 0, 1, ... since open */
  int level;          /* the level that ran (0: fastest) */
  double latency_ms;  /* its end-to-end latency: resize, forward, device sync */
  int switched;       /* 1 on the first frame at a new level */
  int next_level;     /* the level the next frame runs */
  double target_ms;   /* the latency target it was held to */
  int met;            /* 1 when latency_ms <= target_ms */
  double slowdown;    /* the policy's estimate: measured / recorded latency */
} ofa_runtime_frame;

/* Opens the bundle in folder `bundle_dir` (what `ofa-runtime export` writes) on `device` ("cpu",
 * "cuda", "cuda:1"; NULL: "cpu"), every level built and warmed up, each on the engine it was
 * measured on, with the threads it was measured with. The latency target starts at the most
 * accurate level's latency (with the policy's 10 % margin). NULL on error. It sets LibTorch's
 * thread count (process-wide) to the one the bundle was measured with. */
ofa_runtime* ofa_runtime_open(const char* bundle_dir, const char* device);

/* Classifies `n` images: `input` is float32 [n, 3, h, w], normalised as for ImageNet (resized to
 * the level's resolution when h, w differ); `logits` receives n * classes floats (see
 * ofa_runtime_classes), `logits_capacity` the floats it has room for (checked first: a refused
 * call serves no frame). 0 on success. */
int ofa_runtime_infer(ofa_runtime* rt, const float* input, int64_t n, int64_t h, int64_t w, float* logits, int64_t logits_capacity);

int ofa_runtime_levels(const ofa_runtime* rt);      /* number of levels, or -1 */
int ofa_runtime_level(const ofa_runtime* rt);       /* the level the next frame runs, or -1 */
int ofa_runtime_resolution(const ofa_runtime* rt);  /* its input resolution, or -1 */
int ofa_runtime_classes(const ofa_runtime* rt);     /* logits per image (1000), or -1 */
/* Serves `level` until unpinned; -1 unpins (the policy decides again). 0 on success. */
int ofa_runtime_pin_level(ofa_runtime* rt, int level);
/* The latency target per frame (ms, finite, > 0) and the accuracy floor (a fraction in [0, 1];
 * a negative value removes it), from the next frame on. 0 on success. */
int ofa_runtime_set_latency_target(ofa_runtime* rt, double ms);
int ofa_runtime_set_min_accuracy(ofa_runtime* rt, double accuracy);
/* Level `level`'s input resolution, recorded latency (ms) and accuracy; a negative number on error. */
int ofa_runtime_level_resolution(const ofa_runtime* rt, int level);
double ofa_runtime_level_latency_ms(const ofa_runtime* rt, int level);
double ofa_runtime_level_accuracy(const ofa_runtime* rt, int level);
/* The record of the last frame into *frame. 0 on success, -1 before the first frame. */
int ofa_runtime_last_frame(const ofa_runtime* rt, ofa_runtime_frame* frame);

/* An image file (JPEG or PNG) as a network input of `resolution`: decoded, resized and
 * centre-cropped as OFA evaluates (shorter side to resolution / 0.875, then the centre), and
 * normalised, written as float32 [3, resolution, resolution] into `out` (room for `capacity`
 * floats). 0 on success. */
int ofa_runtime_load_image(const char* path, int resolution, float* out, int64_t capacity);

void ofa_runtime_close(ofa_runtime* rt); /* NULL is fine */

/* The calling thread's last error, one line ("" when none); valid until its next call. */
const char* ofa_runtime_last_error(void);
const char* ofa_runtime_version(void);   /* OFA_RUNTIME_VERSION_STRING of the library loaded */

#ifdef __cplusplus
}
#endif

#endif
