#!/usr/bin/env python3
"""Oracle fixtures for WhittleNN: small models as safetensors files, and the outputs a plain
NumPy forward pass (float64, written out here from the layer definitions, independent of the
Swift code) computes for them over whole sequences.

For each case NAME it writes, under Tests/WhittleNNTests/Fixtures/:
  NAME.safetensors           the model (graph and metadata in __metadata__, F32 weights)
  NAME.expected.safetensors  input.<port> [T, *shape] and output.<port> [frames, *shape]
The Swift tests stream the inputs through the model frame by frame and compare.

Usage: python3 scripts/nn-fixtures.py [output-dir]     (needs only numpy)
"""
import json
import math
import os
import struct
import sys

import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "WhittleNNTests", "Fixtures")


# ---------------------------------------------------------------- safetensors writer

def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4")
        raw = data.tobytes()
        header[name] = {"dtype": "F32", "shape": list(data.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


# ---------------------------------------------------------------- reference layers (whole sequences, float64)
# A value is an array [T, *frame_shape]; frame shapes are channels last: [C] or [F, C].

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softplus(x):
    return np.logaddexp(0.0, x)


def activation(name, x, params=None):
    params = params or {}
    if name in ("linear", "identity"):
        return x
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "elu":
        alpha = params.get("alpha", 1.0)
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
    if name == "tanh":
        return np.tanh(x)
    if name == "sigmoid":
        return sigmoid(x)
    if name == "softplus":
        return softplus(x)
    if name == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if name == "scaled_sigmoid":  # ddsp_pytorch scale_function
        return 2.0 * sigmoid(x) ** math.log(10.0) + 1e-7
    if name == "exp_sigmoid":  # ddsp.core.exp_sigmoid
        exponent = params.get("exponent", 10.0)
        return params.get("max_value", 2.0) * sigmoid(x) ** math.log(exponent) + params.get("threshold", 1e-7)
    raise ValueError(name)


def act_of(node):
    a = node.get("activation", "linear")
    if isinstance(a, dict):
        return a["name"], a
    return a, {}


def dense(x, w, b):
    flat = x.reshape(x.shape[0], -1)
    return flat @ w.T + b


def conv1d(x, w, b, dilation=1, stride=1):
    T = x.shape[0]
    cout, cin, k = w.shape
    pad = (k - 1) * dilation
    xp = np.concatenate([np.zeros((pad, cin)), x], axis=0)
    outs = []
    for j in range(0, T, stride):
        y = b.copy()
        for kk in range(k):
            y = y + w[:, :, kk] @ xp[j + kk * dilation]
        outs.append(y)
    return np.array(outs)


def conv2d(x, w, b, dilation=(1, 1), stride=(1, 1), padding=0):
    T, F, cin = x.shape
    cout, _, kt, kf = w.shape
    dt, df = dilation
    st, sf = stride
    pad_t = (kt - 1) * dt
    xp = np.zeros((T + pad_t, F + 2 * padding, cin))
    xp[pad_t:, padding:padding + F] = x
    fout = (F + 2 * padding - df * (kf - 1) - 1) // sf + 1
    outs = []
    for j in range(0, T, st):
        y = np.tile(b, (fout, 1))
        for fo in range(fout):
            for a in range(kt):
                for c in range(kf):
                    y[fo] += w[:, :, a, c] @ xp[j + a * dt, fo * sf + c * df]
        outs.append(y)
    return np.array(outs)


def conv_transpose1d(x, w, b, stride):
    T = x.shape[0]
    cin, cout, k = w.shape
    full = np.zeros((max((T - 1) * stride + k, T * stride), cout))  # K < stride: tail frames are bias only
    for t in range(T):
        for kk in range(k):
            full[t * stride + kk] += x[t] @ w[:, :, kk]
    full += b
    return full[: T * stride].reshape(T, stride, cout)


def gru(x, wih, whh, bih, bhh):
    H = whh.shape[1]
    h = np.zeros(H)
    outs = []
    for xt in x.reshape(x.shape[0], -1):
        gi = wih @ xt + bih
        gh = whh @ h + bhh
        r = sigmoid(gi[:H] + gh[:H])
        z = sigmoid(gi[H:2 * H] + gh[H:2 * H])
        n = np.tanh(gi[2 * H:] + r * gh[2 * H:])
        h = (1 - z) * n + z * h
        outs.append(h)
    return np.array(outs)


def lstm(x, wih, whh, bih, bhh):
    H = whh.shape[1]
    h, c = np.zeros(H), np.zeros(H)
    outs = []
    for xt in x.reshape(x.shape[0], -1):
        g = wih @ xt + bih + whh @ h + bhh
        i, f, gg, o = sigmoid(g[:H]), sigmoid(g[H:2 * H]), np.tanh(g[2 * H:3 * H]), sigmoid(g[3 * H:])
        c = f * c + i * gg
        h = o * np.tanh(c)
        outs.append(h)
    return np.array(outs)


def batchnorm(x, gamma, beta, mean, var, eps):
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def layernorm(x, gamma, beta, eps):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


def pool_freq(x, kind, k, stride):
    T, F, C = x.shape
    fout = (F - k) // stride + 1
    windows = np.stack([x[:, fo * stride: fo * stride + k] for fo in range(fout)], axis=1)
    return windows.max(axis=2) if kind == "max" else windows.mean(axis=2)


# ---------------------------------------------------------------- graph interpreter

def run_graph(graph, weights, inputs):
    v = dict(inputs)
    for node in graph["nodes"]:
        n, op = node["name"], node["op"]
        xs = [v[i] for i in node["inputs"]]
        x = xs[0]
        W = lambda s: weights[f"{n}.{s}"].astype(np.float64)
        opt = lambda s, default: weights[f"{n}.{s}"].astype(np.float64) if f"{n}.{s}" in weights else default
        if op == "dense":
            y = dense(x, W("weight"), opt("bias", 0.0))
        elif op == "conv1d":
            y = conv1d(x, W("weight"), opt("bias", 0.0), node.get("dilation", 1), node.get("stride", 1))
        elif op == "conv2d":
            pair = lambda key, d: tuple(node[key]) if isinstance(node.get(key), list) else (node.get(key, d),) * 2
            y = conv2d(x, W("weight"), opt("bias", 0.0), pair("dilation", 1), pair("stride", 1), node.get("padding", 0))
        elif op == "conv_transpose1d":
            y = conv_transpose1d(x, W("weight"), opt("bias", 0.0), node["stride"])
        elif op == "gru":
            y = gru(x, W("weight_ih"), W("weight_hh"), opt("bias_ih", 0.0), opt("bias_hh", 0.0))
        elif op == "lstm":
            y = lstm(x, W("weight_ih"), W("weight_hh"), opt("bias_ih", 0.0), opt("bias_hh", 0.0))
        elif op == "batchnorm":
            y = batchnorm(x, opt("weight", 1.0), opt("bias", 0.0), W("running_mean"), W("running_var"), node.get("eps", 1e-5))
        elif op == "layernorm":
            y = layernorm(x, opt("weight", 1.0), opt("bias", 0.0), node.get("eps", 1e-5))
        elif op in ("maxpool_freq", "avgpool_freq"):
            y = pool_freq(x, op[:3], node["kernel"], node.get("stride", node["kernel"]))
        elif op == "add":
            y = xs[0] + xs[1]
        elif op == "concat":
            y = np.concatenate(xs, axis=-1)
        elif op == "flatten":
            y = x.reshape(x.shape[0], -1)
        else:
            y = activation(op, x, node)
        if op in ("dense", "conv1d", "conv2d", "conv_transpose1d"):
            name, params = act_of(node)
            y = activation(name, y, params)
        v[n] = y
    return {o: v[o] for o in graph["outputs"]}


# ---------------------------------------------------------------- cases

rng = np.random.default_rng(20240607)


def rand(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def fan(*shape):
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
    return rand(*shape, scale=1.2 / math.sqrt(fan_in))


def case(name, graph, weights, frames, metadata=None, input_scale=1.0):
    inputs = {i["name"]: rand(frames, *i["shape"], scale=input_scale) for i in graph["inputs"]}
    outputs = run_graph(graph, weights, {k: val.astype(np.float64) for k, val in inputs.items()})
    meta = {"graph": json.dumps(graph)}
    meta.update(metadata or {})
    write_safetensors(os.path.join(OUT, f"{name}.safetensors"), weights, meta)
    expected = {f"input.{k}": val for k, val in inputs.items()}
    expected.update({f"output.{k}": val for k, val in outputs.items()})
    write_safetensors(os.path.join(OUT, f"{name}.expected.safetensors"), expected)


def single(name, in_shape, node, weights, frames=24, **kw):
    node = dict(node, name="l", inputs=["x"])
    graph = {"inputs": [{"name": "x", "shape": in_shape}], "outputs": ["l"], "nodes": [node]}
    case(name, graph, {f"l.{k}": v for k, v in weights.items()}, frames, **kw)


def rnn_weights(gates, i, h):
    return {"weight_ih": fan(gates * h, i), "weight_hh": fan(gates * h, h), "bias_ih": rand(gates * h, scale=0.3), "bias_hh": rand(gates * h, scale=0.3)}


def bn_weights(c):
    return {"weight": rand(c, scale=0.5) + 1, "bias": rand(c, scale=0.3), "running_mean": rand(c, scale=0.5),
            "running_var": (rng.uniform(0.3, 2.0, c)).astype(np.float32)}


def main():
    os.makedirs(OUT, exist_ok=True)
    # One case per layer type and option.
    single("dense", [12], {"op": "dense", "units": 10, "activation": "tanh"}, {"weight": fan(10, 12), "bias": rand(10, scale=0.3)})
    single("dense_2d_input", [3, 4], {"op": "dense", "units": 17}, {"weight": fan(17, 12)})
    single("conv1d_dilated", [3], {"op": "conv1d", "channels": 5, "kernel": 3, "dilation": 2}, {"weight": fan(5, 3, 3), "bias": rand(5, scale=0.3)}, frames=30)
    single("conv1d_strided", [4], {"op": "conv1d", "channels": 9, "kernel": 4, "stride": 2, "activation": "relu"}, {"weight": fan(9, 4, 4), "bias": rand(9, scale=0.3)}, frames=21)
    single("conv1d_k15", [16], {"op": "conv1d", "channels": 16, "kernel": 15}, {"weight": fan(16, 16, 15), "bias": rand(16, scale=0.3)}, frames=40)
    single("conv2d", [10, 2], {"op": "conv2d", "channels": 3, "kernel": [3, 3], "dilation": [2, 1], "stride": [1, 2], "padding": 1, "activation": "elu"},
           {"weight": fan(3, 2, 3, 3), "bias": rand(3, scale=0.3)}, frames=16)
    single("conv2d_time_strided", [9, 3], {"op": "conv2d", "channels": 11, "kernel": [2, 5], "stride": [2, 1]},
           {"weight": fan(11, 3, 2, 5), "bias": rand(11, scale=0.3)}, frames=15)
    single("conv_transpose1d", [3], {"op": "conv_transpose1d", "channels": 2, "kernel": 5, "stride": 2, "activation": "tanh"},
           {"weight": fan(3, 2, 5), "bias": rand(2, scale=0.3)}, frames=12)
    single("conv_transpose1d_short_kernel", [4], {"op": "conv_transpose1d", "channels": 3, "kernel": 3, "stride": 4},
           {"weight": fan(4, 3, 3), "bias": rand(3, scale=0.3)}, frames=9)
    single("gru", [5], {"op": "gru", "hidden": 11}, rnn_weights(3, 5, 11), frames=30)
    single("gru16", [16], {"op": "gru", "hidden": 16}, rnn_weights(3, 16, 16), frames=30)
    single("lstm", [3], {"op": "lstm", "hidden": 10}, rnn_weights(4, 3, 10), frames=30)
    single("lstm_1_24", [1], {"op": "lstm", "hidden": 24}, rnn_weights(4, 1, 24), frames=30)
    single("batchnorm", [4, 6], {"op": "batchnorm", "eps": 1e-3}, bn_weights(6))
    single("layernorm", [4, 6], {"op": "layernorm"}, {"weight": rand(6, scale=0.5) + 1, "bias": rand(6, scale=0.3)})
    single("maxpool_freq", [11, 3], {"op": "maxpool_freq", "kernel": 3, "stride": 2}, {})
    single("avgpool_freq", [11, 3], {"op": "avgpool_freq", "kernel": 2}, {})

    # Every activation, on inputs wide enough to reach the saturated ranges.
    acts = [("relu", {}), ("elu", {"alpha": 0.7}), ("tanh", {}), ("sigmoid", {}), ("softplus", {}), ("softmax", {}),
            ("scaled_sigmoid", {}), ("exp_sigmoid", {"exponent": 8.0, "max_value": 1.5, "threshold": 1e-4})]
    graph = {"inputs": [{"name": "x", "shape": [2, 13]}], "outputs": [a for a, _ in acts],
             "nodes": [dict(p, name=a, op=a, inputs=["x"]) for a, p in acts]}
    case("activations", graph, {}, 20, input_scale=5.0)

    # BatchNorm folded into a dense layer, and one that cannot fold (after an activation).
    graph = {"inputs": [{"name": "x", "shape": [6]}], "outputs": ["bn1", "bn2"], "nodes": [
        {"name": "d", "op": "dense", "inputs": ["x"], "units": 7},
        {"name": "bn1", "op": "batchnorm", "inputs": ["d"]},
        {"name": "t", "op": "tanh", "inputs": ["bn1"]},
        {"name": "bn2", "op": "batchnorm", "inputs": ["t"], "eps": 0.01}]}
    w = {"d.weight": fan(7, 6), "d.bias": rand(7, scale=0.3)}
    w.update({f"bn1.{k}": v for k, v in bn_weights(7).items()})
    w.update({f"bn2.{k}": v for k, v in bn_weights(7).items()})
    case("batchnorm_fold", graph, w, 12)

    # Whole graphs.
    graph = {"inputs": [{"name": "mel", "shape": [20, 1]}], "outputs": ["onset"], "nodes": [
        {"name": "c1", "op": "conv2d", "inputs": ["mel"], "channels": 4, "kernel": [3, 3], "padding": 1},
        {"name": "bn", "op": "batchnorm", "inputs": ["c1"]},
        {"name": "r1", "op": "relu", "inputs": ["bn"]},
        {"name": "p1", "op": "maxpool_freq", "inputs": ["r1"], "kernel": 2},
        {"name": "c2", "op": "conv2d", "inputs": ["p1"], "channels": 6, "kernel": [3, 3], "stride": [2, 1], "activation": "relu"},
        {"name": "f", "op": "flatten", "inputs": ["c2"]},
        {"name": "d1", "op": "dense", "inputs": ["f"], "units": 8, "activation": {"name": "elu", "alpha": 1.0}},
        {"name": "onset", "op": "dense", "inputs": ["d1"], "units": 1, "activation": "sigmoid"}]}
    w = {"c1.weight": fan(4, 1, 3, 3), "c1.bias": rand(4, scale=0.3), "c2.weight": fan(6, 4, 3, 3), "c2.bias": rand(6, scale=0.3),
         "d1.weight": fan(8, 8 * 6), "d1.bias": rand(8, scale=0.3), "onset.weight": fan(1, 8), "onset.bias": rand(1, scale=0.3)}
    w.update({f"bn.{k}": v for k, v in bn_weights(4).items()})
    case("graph_onset_cnn", graph, w, 25, metadata={"task": "onset", "sample_rate": "44100", "hop": "441",
                                                     "features": json.dumps({"fft": 2048, "mel_bands": 20}),
                                                     "labels": json.dumps(["onset"]),
                                                     "provenance": json.dumps({"round": 0, "kept": 1.0})})

    graph = {"inputs": [{"name": "controls", "shape": [2]}], "outputs": ["amps", "mix"], "nodes": [
        {"name": "d1", "op": "dense", "inputs": ["controls"], "units": 16, "activation": "relu"},
        {"name": "ln", "op": "layernorm", "inputs": ["d1"]},
        {"name": "g", "op": "gru", "inputs": ["ln"], "hidden": 16},
        {"name": "cat", "op": "concat", "inputs": ["g", "controls"]},
        {"name": "amps", "op": "dense", "inputs": ["cat"], "units": 12, "activation": "exp_sigmoid"},
        {"name": "mixl", "op": "dense", "inputs": ["cat"], "units": 5},
        {"name": "mix", "op": "softmax", "inputs": ["mixl"]}]}
    w = {"d1.weight": fan(16, 2), "d1.bias": rand(16, scale=0.3), "ln.weight": rand(16, scale=0.3) + 1, "ln.bias": rand(16, scale=0.2),
         "amps.weight": fan(12, 18), "amps.bias": rand(12, scale=0.3), "mixl.weight": fan(5, 18), "mixl.bias": rand(5, scale=0.3)}
    w.update({f"g.{k}": v for k, v in rnn_weights(3, 16, 16).items()})
    case("graph_ddsp_decoder", graph, w, 30, metadata={"task": "ddsp", "sample_rate": "16000", "hop": "64"})

    graph = {"inputs": [{"name": "x", "shape": [4]}], "outputs": ["y"], "nodes": [
        {"name": "c1", "op": "conv1d", "inputs": ["x"], "channels": 8, "kernel": 3, "activation": "relu"},
        {"name": "c2", "op": "conv1d", "inputs": ["c1"], "channels": 8, "kernel": 3, "dilation": 2},
        {"name": "res", "op": "add", "inputs": ["c2", "c1"]},
        {"name": "c3", "op": "conv1d", "inputs": ["res"], "channels": 8, "kernel": 2, "dilation": 4, "activation": "tanh"},
        {"name": "l", "op": "lstm", "inputs": ["c3"], "hidden": 6},
        {"name": "y", "op": "dense", "inputs": ["l"], "units": 3, "activation": "softplus"}]}
    w = {"c1.weight": fan(8, 4, 3), "c1.bias": rand(8, scale=0.3), "c2.weight": fan(8, 8, 3), "c2.bias": rand(8, scale=0.3),
         "c3.weight": fan(8, 8, 2), "c3.bias": rand(8, scale=0.3), "y.weight": fan(3, 6), "y.bias": rand(3, scale=0.3)}
    w.update({f"l.{k}": v for k, v in rnn_weights(4, 8, 6).items()})
    case("graph_tcn", graph, w, 40)

    graph = {"inputs": [{"name": "z", "shape": [8]}], "outputs": ["audio"], "nodes": [
        {"name": "l", "op": "lstm", "inputs": ["z"], "hidden": 12},
        {"name": "d", "op": "dense", "inputs": ["l"], "units": 12, "activation": "relu"},
        {"name": "audio", "op": "conv_transpose1d", "inputs": ["d"], "channels": 2, "kernel": 8, "stride": 4}]}
    w = {"d.weight": fan(12, 12), "d.bias": rand(12, scale=0.3), "audio.weight": fan(12, 2, 8), "audio.bias": rand(2, scale=0.3)}
    w.update({f"l.{k}": v for k, v in rnn_weights(4, 8, 12).items()})
    case("graph_sing_decoder", graph, w, 16, metadata={"task": "sing", "sample_rate": "16000", "hop": "4"})


if __name__ == "__main__":
    main()
