#!/usr/bin/env python3
"""Counts the floating-point operations of one inference of each ONNX model.

Convolutions and matrix products count 2 FLOPs per multiply-accumulate; element-wise and
pooling operators count one FLOP per output value (they are a few percent of the total).
Shapes come from ONNX shape inference on the committed models (fixed batch of 1).

    python scripts/model_flops.py models/pose_landmark_lite.onnx ...   # JSON lines on stdout
"""
import json
import sys

import onnx
from onnx import numpy_helper, shape_inference

ELEMENTWISE = {
    "Add", "Sub", "Mul", "Div", "Relu", "PRelu", "Sigmoid", "Clip", "LeakyRelu", "HardSigmoid",
    "HardSwish", "Max", "Min", "MaxPool", "AveragePool", "GlobalAveragePool", "Resize", "Tanh",
}


def shapes_of(model):
    inferred = shape_inference.infer_shapes(model)
    shapes = {}
    for value in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        dims = [d.dim_value if d.dim_value > 0 else 1 for d in value.type.tensor_type.shape.dim]
        shapes[value.name] = dims
    for initializer in inferred.graph.initializer:
        shapes[initializer.name] = list(numpy_helper.to_array(initializer).shape)
    return inferred, shapes


def product(values):
    result = 1
    for value in values:
        result *= value
    return result


def count(path):
    model, shapes = shapes_of(onnx.load(path))
    total = 0
    by_op = {}
    for node in model.graph.node:
        out = shapes.get(node.output[0]) if node.output else None
        if out is None:
            continue
        flops = 0
        if node.op_type in ("Conv", "ConvTranspose"):
            weight = shapes.get(node.input[1])
            if weight is None:
                continue
            group = next((a.i for a in node.attribute if a.name == "group"), 1)
            # weight: [Cout, Cin/group, kh, kw]; MACs = output elements × Cin/group × kh × kw
            macs = product(out) * product(weight[1:])
            if node.op_type == "ConvTranspose":
                macs = product(shapes.get(node.input[0], out)) * product(weight[1:])
            flops = 2 * macs
        elif node.op_type in ("MatMul", "Gemm"):
            a = shapes.get(node.input[0])
            if a is None:
                continue
            flops = 2 * product(out) * a[-1]
        elif node.op_type in ELEMENTWISE:
            flops = product(out)
        by_op[node.op_type] = by_op.get(node.op_type, 0) + flops
        total += flops
    return total, by_op


def main():
    for path in sys.argv[1:]:
        total, by_op = count(path)
        print(json.dumps({"model": path, "gflops": total / 1e9,
                          "conv_share": (by_op.get("Conv", 0) + by_op.get("ConvTranspose", 0)) / max(total, 1)}))


if __name__ == "__main__":
    main()
