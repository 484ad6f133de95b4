#!/usr/bin/env python3
"""Convert MediaPipe's BlazePose TFLite models to ONNX for plumbline.

Run through the wrapper, which sets up the pinned venv and fetches the wheels:

    bash scripts/convert_models.sh

Outputs (in --out, default models/):
  pose_detection.onnx      detector, from mediapipe==0.10.21
  pose_landmark_full.onnx  full landmark model, from mediapipe==0.10.21
  pose_landmark_lite.onnx  lite landmark model, from the pose_landmarker_lite.task in postured
  SHA256SUMS               sha256sum(1) format

What is changed with respect to the TFLite sources (see models/README.md):
  * detector: 38 FP16 weight tensors are stored sparse and expanded at run time
    by DENSIFY ops, which tf2onnx cannot convert. The TFLite interpreter is run
    once, the expanded (dense) FP16 weights are written back into the
    flatbuffer as plain constants and the DENSIFY ops are dropped. The edited
    TFLite model gives bit-identical outputs (checked here).
  * landmark models: the segmentation output (256x256 mask) and the layers only
    it needs are cut with onnx.utils.extract_model.
  * graph inputs/outputs get stable names (image; boxes/scores;
    landmarks/presence/heatmap/world_landmarks).

Then every ONNX model is checked against the (original) TFLite model in the
TFLite interpreter on a real image, and timed with ONNX Runtime on one thread.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

# Quieter TensorFlow; must be set before it is imported.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnx.utils  # noqa: E402
import onnxruntime as ort  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf2onnx  # noqa: E402
from PIL import Image  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402
from tensorflow.lite.tools import flatbuffer_utils  # noqa: E402

OPSET = 17

# Source files, where they live in their wheels, and their expected sha256.
MEDIAPIPE = "mediapipe==0.10.21"
POSTURED = "postured==1.4.1"
SOURCES = {
    "pose_detection": {
        "package": MEDIAPIPE,
        "member": "mediapipe/modules/pose_detection/pose_detection.tflite",
        "sha256": "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    },
    "pose_landmark_full": {
        "package": MEDIAPIPE,
        "member": "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        "sha256": "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
    },
    "pose_landmark_lite": {
        "package": POSTURED,
        # A zip inside the wheel; the model is one member of it.
        "member": "postured/resources/pose_landmarker_lite.task",
        "member_sha256": "59929e1d1ee95287735ddd833b19cf4ac46d29bc7afddbbf6753c459690d574a",
        "inner": "pose_landmarks_detector.tflite",
        "sha256": "ad6cfd3c903eb31a4ee788b809e45ecf9fa69923b69b9f3f2d9ae616ff433e58",
    },
    "face_landmark": {
        "package": MEDIAPIPE,
        "member": "mediapipe/modules/face_landmark/face_landmark.tflite",
        "sha256": "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814",
    },
}

# TFLite tensor name -> ONNX name. Outputs not listed are cut.
DETECTOR_IO = {"input_1": "image", "Identity": "boxes", "Identity_1": "scores"}
LANDMARK_IO = {
    "input_1": "image",
    "Identity": "landmarks",  # [1,195]  39 x (x, y, z, visibility, presence)
    "Identity_1": "presence",  # [1,1]
    # "Identity_2" is the [1,256,256,1] segmentation mask: cut
    "Identity_3": "heatmap",  # [1,64,64,39]
    "Identity_4": "world_landmarks",  # [1,117]
}
FACE_IO = {
    "input_1": "image",
    "conv2d_21": "landmarks",  # [1,1,1,1404]  468 x (x, y, z) in 192-px crop pixels
    "conv2d_31": "face_flag",  # [1,1,1,1]  logit that a face is in the crop
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------


def read_source(name: str, wheels: dict[str, Path]) -> bytes:
    """Return the TFLite bytes of source `name`, checking every sha256."""
    src = SOURCES[name]
    with zipfile.ZipFile(wheels[src["package"]]) as whl:
        data = whl.read(src["member"])
    if "inner" in src:
        if sha256(data) != src["member_sha256"]:
            raise SystemExit(f"{src['member']}: unexpected sha256 {sha256(data)}")
        with zipfile.ZipFile(io.BytesIO(data)) as task:
            data = task.read(src["inner"])
    if sha256(data) != src["sha256"]:
        raise SystemExit(f"{name}: unexpected sha256 {sha256(data)}")
    return data


# --------------------------------------------------------------------------
# TFLite helpers
# --------------------------------------------------------------------------


def interpreter(model: bytes, *, delegates: bool = True, threads: int = 1,
                preserve: bool = False) -> tf.lite.Interpreter:
    """A TFLite interpreter. delegates=False: builtin kernels only (no XNNPACK)."""
    resolver = (tf.lite.experimental.OpResolverType.AUTO if delegates else
                tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    it = tf.lite.Interpreter(model_content=model, num_threads=threads,
                             experimental_op_resolver_type=resolver,
                             experimental_preserve_all_tensors=preserve)
    it.allocate_tensors()
    return it


def run_tflite(it: tf.lite.Interpreter, x: np.ndarray) -> dict[str, np.ndarray]:
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    return {d["name"]: it.get_tensor(d["index"]).copy() for d in it.get_output_details()}


def opcode_of(model: schema.ModelT, op: schema.OperatorT) -> int:
    code = model.operatorCodes[op.opcodeIndex]
    # Newer files use builtinCode; codes < 127 may be in the deprecated field.
    return max(code.builtinCode, code.deprecatedBuiltinCode)


def densify(src: bytes) -> tuple[bytes, int]:
    """Replace every DENSIFY op by a constant holding its (dense) output.

    Returns the new flatbuffer and the number of DENSIFY ops removed.
    """
    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(src))
    if len(model.subgraphs) != 1:
        raise SystemExit("expected a single-subgraph model")
    graph = model.subgraphs[0]
    densify_ops = [op for op in graph.operators
                   if opcode_of(model, op) == schema.BuiltinOperator.DENSIFY]

    # Run the model once (builtin kernels, every tensor kept) and read the
    # dense weights that DENSIFY produced. Its input does not matter.
    it = interpreter(src, delegates=False, preserve=True)
    inp = it.get_input_details()[0]
    run_tflite(it, np.zeros(inp["shape"], inp["dtype"]))

    for op in densify_ops:
        (t_in,), (t_out,) = op.inputs, op.outputs
        dense = it.get_tensor(t_out)
        tensor = graph.tensors[t_out]
        if dense.dtype != np.float16 or tensor.type != schema.TensorType.FLOAT16:
            raise SystemExit(f"unexpected DENSIFY output type {dense.dtype}")
        if list(dense.shape) != list(tensor.shape):
            raise SystemExit("DENSIFY output shape mismatch")
        if graph.tensors[t_in].sparsity is None:
            raise SystemExit("DENSIFY input is not a sparse tensor")
        # The output tensor already owns an (empty) buffer: fill it.
        buf = model.buffers[tensor.buffer]
        if buf.data is not None and len(buf.data):
            raise SystemExit("DENSIFY output already has data")
        buf.data = np.frombuffer(dense.astype("<f2").tobytes(), dtype=np.uint8)
    graph.operators = [op for op in graph.operators if op not in densify_ops]

    _prune(model)
    return bytes(flatbuffer_utils.convert_object_to_bytearray(model)), len(densify_ops)


def _prune(model: schema.ModelT) -> None:
    """Drop tensors, buffer contents and operator codes nothing uses any more."""
    graph = model.subgraphs[0]

    # Tensors: keep the ones an op or the graph's I/O refers to, in order.
    used = set(graph.inputs) | set(graph.outputs)
    for op in graph.operators:
        used.update(i for i in op.inputs if i >= 0)
        used.update(op.outputs)
        if op.intermediates is not None:
            used.update(op.intermediates)
    keep = sorted(used)
    remap = {old: new for new, old in enumerate(keep)}
    dropped = [graph.tensors[i] for i in range(len(graph.tensors)) if i not in used]
    graph.tensors = [graph.tensors[i] for i in keep]
    graph.inputs = [remap[i] for i in graph.inputs]
    graph.outputs = [remap[i] for i in graph.outputs]
    for op in graph.operators:
        op.inputs = [remap[i] if i >= 0 else i for i in op.inputs]
        op.outputs = [remap[i] for i in op.outputs]
        if op.intermediates is not None:
            op.intermediates = [remap[i] for i in op.intermediates]

    # Buffers: indices must stay stable (metadata refers to them), so only
    # empty the ones that no remaining tensor or metadata entry uses.
    live = {t.buffer for t in graph.tensors} | {m.buffer for m in (model.metadata or [])}
    for t in dropped:
        if t.buffer not in live and t.buffer != 0:
            model.buffers[t.buffer].data = None

    # Operator codes: drop unused ones and renumber.
    used_codes = sorted({op.opcodeIndex for op in graph.operators})
    code_map = {old: new for new, old in enumerate(used_codes)}
    model.operatorCodes = [model.operatorCodes[i] for i in used_codes]
    for op in graph.operators:
        op.opcodeIndex = code_map[op.opcodeIndex]


# --------------------------------------------------------------------------
# ONNX helpers
# --------------------------------------------------------------------------


def tflite_to_onnx(tflite: bytes, workdir: Path, stem: str) -> onnx.ModelProto:
    path = workdir / f"{stem}.tflite"
    path.write_bytes(tflite)
    model, _ = tf2onnx.convert.from_tflite(str(path), opset=OPSET)
    return model


def cut_and_rename(model: onnx.ModelProto, io_names: dict[str, str],
                   workdir: Path, stem: str) -> onnx.ModelProto:
    """Keep only the outputs in io_names, then rename the graph's I/O."""
    g = model.graph
    inputs = [i.name for i in g.input]
    outputs = [o.name for o in g.output if o.name in io_names]
    if len(outputs) != len(g.output):
        src, dst = workdir / f"{stem}.full.onnx", workdir / f"{stem}.cut.onnx"
        onnx.save(model, src)
        onnx.utils.extract_model(str(src), str(dst), inputs, outputs)
        cut = onnx.load(dst)
        # extract_model rebuilds the model; keep the converter's identity.
        cut.producer_name, cut.producer_version = model.producer_name, model.producer_version
        model = cut
    g = model.graph

    internal = {n for node in g.node for n in list(node.input) + list(node.output)}
    internal |= {i.name for i in g.initializer}
    for old, new in io_names.items():
        if new in internal and new not in io_names:
            raise SystemExit(f"{stem}: cannot rename {old} to {new}: name in use")

    def rn(name: str) -> str:
        return io_names.get(name, name)

    for node in g.node:
        node.input[:] = [rn(n) for n in node.input]
        node.output[:] = [rn(n) for n in node.output]
    for v in list(g.input) + list(g.output) + list(g.value_info):
        v.name = rn(v.name)
    return model


def _sort_nodes(g: onnx.GraphProto) -> None:
    """Put the nodes in a topological order fixed by the graph's structure alone.

    tf2onnx's own order of independent branches varies between runs. Here the
    order is a depth-first post-order walk from the graph outputs (in order),
    visiting each node's inputs in order, so it does not depend on names or on
    the order the nodes came in.
    """
    producer = {out: i for i, node in enumerate(g.node) for out in node.output}
    seen: set[int] = set()
    order: list[int] = []
    for root in [producer[o.name] for o in g.output]:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, 0)]
        while stack:
            i, k = stack.pop()
            inputs = g.node[i].input
            while k < len(inputs) and (inputs[k] not in producer or producer[inputs[k]] in seen):
                k += 1
            if k == len(inputs):
                order.append(i)
                continue
            stack.append((i, k + 1))
            child = producer[inputs[k]]
            seen.add(child)
            stack.append((child, 0))
    if len(order) != len(g.node):
        raise SystemExit(f"{len(g.node) - len(order)} nodes do not lead to an output")
    nodes = [onnx.NodeProto() for _ in order]
    for dst, i in zip(nodes, order):
        dst.CopyFrom(g.node[i])
    del g.node[:]
    g.node.extend(nodes)


def canonicalize(model: onnx.ModelProto) -> None:
    """Make the serialised model independent of tf2onnx's run-to-run noise.

    tf2onnx gives generated names a process-wide counter suffix ("__2378"),
    shares deduplicated constants under whichever name it met first, and emits
    initializers in an order that varies between runs: two runs give the same
    graph with different bytes. Every generated name (one holding "__<digits>")
    is replaced by its base plus a sequence number given in order of first
    appearance while walking the nodes in order; names taken from the TFLite
    model are kept. Nodes are first put in a canonical order (_sort_nodes).
    Node names are renamed the same way (own sequence), the
    initializers are sorted by first use, and value_info is recomputed later.
    """
    g = model.graph
    _sort_nodes(g)
    counter = re.compile(r"__\d+(:\d+)?")
    tensors: dict[str, str] = {}

    def tensor(name: str) -> str:
        if not name or not counter.search(name):
            return name
        if name not in tensors:
            tensors[name] = f"{counter.sub('', name)}__{len(tensors)}"
        return tensors[name]

    for i, node in enumerate(g.node):
        node.input[:] = [tensor(n) for n in node.input]
        node.output[:] = [tensor(n) for n in node.output]
        if counter.search(node.name):
            node.name = f"{counter.sub('', node.name)}__n{i}"
    for t in g.initializer:
        t.name = tensor(t.name)
    for v in list(g.input) + list(g.output):
        v.name = tensor(v.name)

    first_use: dict[str, int] = {}
    for i, node in enumerate(g.node):
        for n in node.input:
            first_use.setdefault(n, i)
    inits = sorted(g.initializer, key=lambda t: (first_use.get(t.name, len(g.node)), t.name))
    copies = [onnx.TensorProto() for _ in inits]
    for c, t in zip(copies, inits):
        c.CopyFrom(t)
    del g.initializer[:]
    g.initializer.extend(copies)
    del g.value_info[:]


def finish(model: onnx.ModelProto, name: str, doc: str) -> bytes:
    canonicalize(model)
    model.graph.name = name
    model.doc_string = doc
    model.graph.doc_string = ""
    model = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString(deterministic=True)


def io_signature(model_bytes: bytes) -> dict:
    m = onnx.load_from_string(model_bytes)

    def sig(vs):
        return [{"name": v.name,
                 "shape": [d.dim_value for d in v.type.tensor_type.shape.dim],
                 "dtype": onnx.helper.tensor_dtype_to_np_dtype(v.type.tensor_type.elem_type).name}
                for v in vs]
    return {"inputs": sig(m.graph.input), "outputs": sig(m.graph.output),
            "nodes": len(m.graph.node), "initializers": len(m.graph.initializer)}


def ort_session(model: bytes, threads: int = 1) -> ort.InferenceSession:
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.log_severity_level = 3
    return ort.InferenceSession(model, so, providers=["CPUExecutionProvider"])


# --------------------------------------------------------------------------
# Verification inputs
# --------------------------------------------------------------------------


def detector_input(img: Image.Image) -> np.ndarray:
    """Whole image letterboxed into 224x224, px/127.5 - 1, padding -1."""
    w, h = img.size
    s = 224 / max(w, h)
    nw, nh = round(w * s), round(h * s)
    small = np.asarray(img.resize((nw, nh), Image.BILINEAR), np.float32) / 127.5 - 1
    out = np.full((224, 224, 3), -1, np.float32)
    y0, x0 = (224 - nh) // 2, (224 - nw) // 2
    out[y0:y0 + nh, x0:x0 + nw] = small
    return out[None]


def landmark_input(img: Image.Image) -> np.ndarray:
    """A head-and-shoulders ROI like MediaPipe's, resized to 256x256, px/255.

    For a portrait MediaPipe centres the ROI on the (off-frame) hips and makes
    it much larger than the image; here: an axis-aligned square of side 2*h
    centred at (w/2, 7h/6), border pixels replicated, bilinear resize. Not the
    exact MediaPipe crop, but an input on which both models see a person
    (presence about 1), to compare the two runtimes on."""
    a = np.asarray(img, np.uint8)
    h, w = a.shape[:2]
    side, cx, cy = 2 * h, w // 2, (7 * h) // 6
    x0, y0 = cx - side // 2, cy - side // 2
    pad = side
    a = np.pad(a, ((pad, pad), (pad, pad), (0, 0)), mode="edge")
    crop = a[y0 + pad:y0 + pad + side, x0 + pad:x0 + pad + side]
    crop = Image.fromarray(crop).resize((256, 256), Image.BILINEAR)
    return (np.asarray(crop, np.float32) / 255)[None]


def face_input(img: Image.Image) -> np.ndarray:
    """A square around the portrait's face (upper middle of the frame), resized to 192x192,
    px/255: an input on which both runtimes see a face, to compare them on."""
    w, h = img.size
    side = int(0.45 * w)
    cx, cy = w // 2, int(0.38 * h)
    crop = img.crop((cx - side // 2, cy - side // 2, cx + side // 2, cy + side // 2))
    return (np.asarray(crop.resize((192, 192), Image.BILINEAR), np.float32) / 255)[None]


def compare(name: str, tfl: bytes, onnx_bytes: bytes, io_names: dict[str, str],
            inputs: dict[str, np.ndarray]) -> dict:
    """Max |ONNX - TFLite| per output, TFLite with its default (XNNPACK) kernels."""
    it = interpreter(tfl, delegates=True, threads=1)
    sess = ort_session(onnx_bytes)
    res = {}
    for label, x in inputs.items():
        ref = run_tflite(it, x)
        got = dict(zip([o.name for o in sess.get_outputs()],
                       sess.run(None, {sess.get_inputs()[0].name: x})))
        res[label] = {}
        for tname, oname in io_names.items():
            if oname not in got:
                continue
            d = np.abs(got[oname].astype(np.float64) - ref[tname].astype(np.float64))
            res[label][oname] = {"max_abs_diff": float(d.max()),
                                 "ref_max_abs": float(np.abs(ref[tname]).max())}
    return res


def timeit(fn, runs: int, warmup: int = 5) -> dict:
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1e3)
    ts.sort()
    return {"median_ms": round(statistics.median(ts), 2),
            "p10_ms": round(ts[len(ts) // 10], 2),
            "p90_ms": round(ts[(len(ts) * 9) // 10], 2), "runs": runs}


def bench(tfl: bytes, models: dict[str, bytes], x: np.ndarray, runs: int) -> dict:
    out = {}
    for label, mb in models.items():
        sess = ort_session(mb, threads=1)
        feed = {sess.get_inputs()[0].name: x}
        out[f"ort_1thread_{label}"] = timeit(lambda: sess.run(None, feed), runs)
    it = interpreter(tfl, delegates=True, threads=1)
    idx = it.get_input_details()[0]["index"]

    def run():
        it.set_tensor(idx, x)
        it.invoke()
    out["tflite_xnnpack_1thread"] = timeit(run, runs)
    return out


# --------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mediapipe-wheel", type=Path, required=True)
    ap.add_argument("--postured-wheel", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("models"))
    ap.add_argument("--image", type=Path, default=Path("tests/fixtures/grace_hopper.jpg"),
                    help="real image for the TFLite/ONNX comparison")
    ap.add_argument("--bench-runs", type=int, default=50,
                    help="timed runs per model (0: no timing)")
    ap.add_argument("--report", type=Path, help="also write the verification report here (JSON)")
    args = ap.parse_args()

    wheels = {MEDIAPIPE: args.mediapipe_wheel, POSTURED: args.postured_wheel}
    args.out.mkdir(parents=True, exist_ok=True)
    img = Image.open(args.image).convert("RGB")
    rng = np.random.default_rng(0)
    report: dict = {"versions": {"tensorflow": tf.__version__, "tf2onnx": tf2onnx.__version__,
                                 "onnx": onnx.__version__, "onnxruntime": ort.__version__,
                                 "numpy": np.__version__}, "models": {}}

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("pose_detection", "pose_landmark_full", "pose_landmark_lite", "face_landmark"):
            log(f">> {name}")
            src = read_source(name, wheels)
            entry: dict = {"source": {k: v for k, v in SOURCES[name].items()}}
            if name == "pose_detection":
                io_names = DETECTOR_IO
                x_real = detector_input(img)
                tfl, n = densify(src)
                entry["densify_ops_removed"] = n
                # The edited model must compute exactly what the original does.
                for delegates in (False, True):
                    a, b = interpreter(src, delegates=delegates), interpreter(tfl, delegates=delegates)
                    for x in (x_real, rng.uniform(-1, 1, x_real.shape).astype(np.float32)):
                        ra, rb = run_tflite(a, x), run_tflite(b, x)
                        if any(not np.array_equal(ra[k], rb[k]) for k in ra):
                            raise SystemExit(f"densified detector differs (delegates={delegates})")
                entry["densified_tflite_identical"] = True
                log(f"   removed {n} DENSIFY ops; densified TFLite outputs bit-identical")
            elif name == "face_landmark":
                io_names = FACE_IO
                x_real = face_input(img)
                tfl = src
            else:
                io_names = LANDMARK_IO
                x_real = landmark_input(img)
                tfl = src

            raw = tflite_to_onnx(tfl, work, name)
            raw_bytes = raw.SerializeToString(deterministic=True)
            model = cut_and_rename(raw, io_names, work, name)
            changes = {"pose_detection": ["DENSIFY ops replaced by dense FP16 constants"],
                       "face_landmark": []}.get(
                name, ["segmentation output Identity_2 and the layers only it uses removed"])
            doc = (f"{SOURCES[name]['package']} {SOURCES[name]['member']}"
                   + (f" ({SOURCES[name]['inner']})" if "inner" in SOURCES[name] else "")
                   + f" sha256 {SOURCES[name]['sha256']}; converted with tf2onnx "
                   f"{tf2onnx.__version__} opset {OPSET}; " + "".join(f"{c}; " for c in changes)
                   + "graph inputs/outputs renamed. Apache-2.0 (MediaPipe). See models/README.md.")
            data = finish(model, name, doc)
            dst = args.out / f"{name}.onnx"
            dst.write_bytes(data)
            entry.update({"file": dst.name, "sha256": sha256(data), "bytes": len(data),
                          "io": io_signature(data), "renamed": io_names})
            log(f"   wrote {dst} ({len(data)} bytes) sha256 {sha256(data)}")

            inputs = {"grace_hopper": x_real,
                      "uniform_noise": rng.uniform(x_real.min(), x_real.max(),
                                                   x_real.shape).astype(np.float32)}
            entry["max_abs_diff_vs_tflite"] = compare(name, src, data, io_names, inputs)
            log("   max |ONNX - TFLite| on grace_hopper: " + ", ".join(
                f"{k} {v['max_abs_diff']:.3g}" for k, v in entry["max_abs_diff_vs_tflite"]["grace_hopper"].items()))
            if args.bench_runs > 0:
                variants = {"final": data}
                if name != "pose_detection":
                    variants["uncut"] = raw_bytes
                entry["latency"] = bench(src, variants, x_real, args.bench_runs)
                log("   latency median: " + ", ".join(f"{k} {v['median_ms']} ms"
                                                    for k, v in entry["latency"].items()))
            report["models"][name] = entry

    sums = "".join(f"{e['sha256']}  {e['file']}\n" for e in report["models"].values())
    (args.out / "SHA256SUMS").write_text(sums)
    text = json.dumps(report, indent=1)
    if args.report:
        args.report.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
