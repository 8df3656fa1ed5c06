# int8_ort_reference.py: compares our int8 QDQ models with ONNX Runtime's own
# static quantizer (onnxruntime.quantization.quantize_static) on the same
# calibration tensors, for fidelity to float32 and for CPU speed.
#
# Benchmark anchor only: it is not part of the product chain nor of CI. It
# needs Python with onnx, numpy and onnxruntime (Debian 13's
# python3-onnxruntime 1.21, python3-onnx 1.17, python3-numpy).
#
# Run it on a folder written by our C++ benchmark:
#   bench-int8 --dump DIR
#   python3 runtime/bench/int8_ort_reference.py DIR [--threads 1,2] [--rounds 7]
#                                                   [--calls 20] [--percentile]
# DIR/level_<i>/ holds fp32.onnx, int8.onnx (ours), calib.npy, heldout.npy and
# shared.npy. The script writes DIR/level_<i>/ort_int8.onnx (and, with
# --percentile, ort_int8_percentile.onnx), prints markdown tables on stdout
# and progress on stderr. ONNX Runtime needs /proc mounted (inside a chroot too),
# e.g. with the Debian 13 chroot, as root, DIR under /tmp/d:
#   unshare --mount --propagation private bash -c 'R=/var/cache/ofa-toolchain/debian13
#     mkdir -p $R/hp $R/d; mount --bind runtime/bench $R/hp; mount --bind /tmp/d $R/d
#     mount --bind /proc $R/proc
#     chroot $R /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root \
#       python3 /hp/int8_ort_reference.py /d'

import argparse
import contextlib
import datetime
import os
import re
import sys
import time

import numpy as np
# Debian's onnx and onnxruntime share one libonnx schema registry: onnx.reference
# must be imported before onnxruntime adds its own domains to it.
import onnx.reference  # noqa: F401


@contextlib.contextmanager
def stderr_silenced():
    """Hides what C/C++ code writes to fd 2 (Debian's onnxruntime prints
    hundreds of harmless 'Schema error' lines when it is loaded)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


with stderr_silenced():
    import onnxruntime as ort
from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod,
                                      QuantFormat, QuantType, quantize_static)

LEVEL_FILES = ("fp32.onnx", "int8.onnx", "calib.npy", "heldout.npy", "shared.npy")
EVAL_SETS = ("heldout", "shared")
WARMUP_CALLS = 5
EVAL_CHUNK = 64


def fail(message):
    print(f"int8_ort_reference: {message}", file=sys.stderr)
    sys.exit(2)


def progress(message):
    print(message, file=sys.stderr, flush=True)


def parse_threads(text):
    try:
        return [int(t) for t in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}")


def parse_args():
    parser = argparse.ArgumentParser(
        description="Compare our int8 QDQ models with ONNX Runtime's quantize_static.")
    parser.add_argument("dir", help="folder written by bench-int8 --dump")
    parser.add_argument("--threads", default="1,2", type=parse_threads,
                        help="intra-op thread counts for the speed test (default 1,2)")
    parser.add_argument("--rounds", type=int, default=7, help="timing rounds (default 7)")
    parser.add_argument("--calls", type=int, default=20,
                        help="calls per model per round (default 20)")
    parser.add_argument("--percentile", action="store_true",
                        help="also quantize with CalibrationMethod.Percentile")
    return parser.parse_args()


def find_levels(root):
    """Returns the level_<i> folders in numeric order; exits 2 if any is incomplete."""
    if not os.path.isdir(root):
        fail(f"no such folder: {root}")
    levels = sorted((int(m.group(1)), os.path.join(root, name))
                    for name in os.listdir(root)
                    if (m := re.fullmatch(r"level_(\d+)", name)))
    if not levels:
        fail(f"no level_<i> folder in {root}")
    for _, path in levels:
        for name in LEVEL_FILES:
            if not os.path.isfile(os.path.join(path, name)):
                fail(f"missing file: {os.path.join(path, name)}")
    return levels


class CalibReader(CalibrationDataReader):
    """Feeds the calibration tensors one image at a time (batch 1)."""

    def __init__(self, images):
        self.images = iter(images)

    def get_next(self):
        image = next(self.images, None)
        return None if image is None else {"input": image[None]}


def quantize_ort(level_dir, calib, method, out_name):
    out_path = os.path.join(level_dir, out_name)
    with contextlib.redirect_stdout(sys.stderr):  # keeps the calibrator's prints off the tables
        quantize_static(os.path.join(level_dir, "fp32.onnx"), out_path, CalibReader(calib),
                        quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        calibrate_method=method)
    return out_path


def quantized_models(level_dir, percentile):
    """Returns {label: path} of the int8 models to compare, ours first."""
    calib = np.load(os.path.join(level_dir, "calib.npy"))
    progress(f"  quantize_static MinMax on {len(calib)} calibration images")
    models = {"ours": os.path.join(level_dir, "int8.onnx"),
              "ORT": quantize_ort(level_dir, calib, CalibrationMethod.MinMax, "ort_int8.onnx")}
    if percentile:
        progress("  quantize_static Percentile")
        models["ORT-pct"] = quantize_ort(level_dir, calib, CalibrationMethod.Percentile,
                                         "ort_int8_percentile.onnx")
    return models


def run_logits(path, images):
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    chunks = [session.run(["logits"], {"input": images[i:i + EVAL_CHUNK]})[0]
              for i in range(0, len(images), EVAL_CHUNK)]
    return np.concatenate(chunks).astype(np.float64)


def fidelity(ref, got):
    """Cosine (mean over images), max relative error (max over images) and top-1 count."""
    norms = np.linalg.norm(ref, axis=1) * np.linalg.norm(got, axis=1)
    cosine = np.sum(ref * got, axis=1) / norms
    max_rel = np.max(np.abs(got - ref), axis=1) / np.max(np.abs(ref), axis=1)
    top1 = int(np.sum(np.argmax(got, axis=1) == np.argmax(ref, axis=1)))
    return {"cosine": float(np.mean(cosine)), "max_rel": float(np.max(max_rel)),
            "top1": f"{top1}/{len(ref)}"}


def evaluate_fidelity(fp32_path, models, images):
    ref = run_logits(fp32_path, images)
    return {label: fidelity(ref, run_logits(path, images)) for label, path in models.items()}


def timing_session(path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def median_call_ms(session, feed, calls):
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        session.run(None, feed)
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def measure_speed(paths, image, threads, rounds, calls):
    """Median over rounds of each model's per-round median ms per call, models interleaved.

    The order rotates from round to round: with a fixed order, one model read about 2 % slower
    than itself when timed right after the float32 one here."""
    sessions = {label: timing_session(path, threads) for label, path in paths.items()}
    feed = {"input": image[None]}
    for session in sessions.values():
        for _ in range(WARMUP_CALLS):
            session.run(None, feed)
    per_round = {label: [] for label in sessions}
    order = list(sessions.items())
    for r in range(rounds):
        k = r % len(order)
        for label, session in order[k:] + order[:k]:
            per_round[label].append(median_call_ms(session, feed, calls))
    return {label: float(np.median(ms)) for label, ms in per_round.items()}


def process_level(level_dir, args):
    models = quantized_models(level_dir, args.percentile)
    fp32_path = os.path.join(level_dir, "fp32.onnx")
    images = {name: np.load(os.path.join(level_dir, f"{name}.npy")) for name in EVAL_SETS}
    fidelities = {}
    for name, x in images.items():
        progress(f"  fidelity on {name} ({len(x)} images)")
        fidelities[name] = evaluate_fidelity(fp32_path, models, x)
    speeds = {}
    for threads in args.threads:
        progress(f"  speed, {threads} thread(s)")
        speeds[threads] = measure_speed({"fp32": fp32_path, **models}, images["shared"][0],
                                        threads, args.rounds, args.calls)
    return {"r": images["shared"].shape[-1], "labels": list(models),
            "fidelity": fidelities, "speed": speeds}


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def print_table(title, columns, rows):
    print(f"\n### {title}\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" for _ in columns) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def print_fidelity(results, labels, name):
    columns = (["level", "r"] + [f"{label} cosine" for label in labels]
               + [f"{label} max-rel" for label in labels] + [f"{label} top-1" for label in labels])
    rows = []
    for level, result in results:
        metrics = result["fidelity"][name]
        rows.append([str(level), str(result["r"])]
                    + [f"{metrics[label]['cosine']:.6f}" for label in labels]
                    + [f"{metrics[label]['max_rel']:.4f}" for label in labels]
                    + [metrics[label]["top1"] for label in labels])
    print_table(f"Fidelity to fp32, {name} images", columns, rows)


def print_speed(results, labels, threads):
    others = labels[1:]
    columns = (["level", "r", "fp32 ms", "ours ms"] + [f"{label} int8 ms" for label in others]
               + ["fp32/ours"] + [f"{label}/ours" for label in others])
    rows = []
    for level, result in results:
        ms = result["speed"][threads]
        rows.append([str(level), str(result["r"])]
                    + [f"{ms[label]:.3f}" for label in ["fp32"] + labels]
                    + [f"{ms[label] / ms['ours']:.2f}" for label in ["fp32"] + others])
    print_table(f"Speed, batch 1, {threads} intra-op thread(s), median ms per call", columns, rows)


def main():
    args = parse_args()
    levels = find_levels(args.dir)
    print(f"onnxruntime {ort.__version__}, numpy {np.__version__}, CPU: {cpu_model()}, "
          f"date: {datetime.datetime.now().isoformat(timespec='seconds')}", flush=True)
    results = []
    for level, level_dir in levels:
        progress(f"level {level}: {level_dir}")
        results.append((level, process_level(level_dir, args)))
    labels = results[0][1]["labels"]
    for name in EVAL_SETS:
        print_fidelity(results, labels, name)
    for threads in args.threads:
        print_speed(results, labels, threads)


if __name__ == "__main__":
    main()
