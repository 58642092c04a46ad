#!/usr/bin/env python3
"""Writes the latency test models under Models/test/: four onset-detector-shaped CNNs of
different sizes (conv2d over 64 log-mel bands, frequency pooling, dense head, sigmoid output)
in WhittleNN's safetensors layout (graph and settings as JSON in __metadata__, see
Sources/WhittleNN/WhittleNN.swift and /work/contracts.md section 4).

The weights are random (He-scaled, fixed seed): these models exist to be timed and loaded, not
to detect onsets. Usage: scripts/make-test-models.py [OUTDIR]   (numpy only; deterministic)."""
import json, os, struct, sys
import numpy as np

BANDS = 64

def conv(name, inp, cin, cout, kt=3, kf=3, pad=1, act="relu"):
    node = {"name": name, "op": "conv2d", "inputs": [inp], "channels": cout, "kernel": [kt, kf], "padding": pad}
    if act:
        node["activation"] = act
    return node, {f"{name}.weight": (cout, cin, kt, kf), f"{name}.bias": (cout,)}

def model(spec):
    """spec: list of layers; returns graph, tensor shapes, per-frame MACs (unpadded)."""
    nodes, shapes, macs = [], {}, 0
    value, freq, ch = "mel", BANDS, 1
    for layer in spec["layers"]:
        kind = layer[0]
        if kind == "conv":
            _, name, cout = layer[:3]
            bn = len(layer) > 3 and layer[3] == "bn"
            node, t = conv(name, value, ch, cout, act=None if bn else "relu")
            nodes.append(node); shapes.update(t)
            macs += freq * cout * ch * 9
            value, ch = name, cout
            if bn:   # conv → batchnorm → relu: the loader folds the batchnorm into the conv
                nodes.append({"name": name + "_bn", "op": "batchnorm", "inputs": [value]})
                shapes.update({f"{name}_bn.{p}": (cout,) for p in ("weight", "bias", "running_mean", "running_var")})
                nodes.append({"name": name + "_relu", "op": "relu", "inputs": [name + "_bn"]})
                value = name + "_relu"
        elif kind == "pool":
            _, name, k = layer
            nodes.append({"name": name, "op": "maxpool_freq", "inputs": [value], "kernel": k})
            value, freq = name, (freq - k) // k + 1
        elif kind == "dense":
            _, name, units, act = layer
            if not value.startswith("flat") and freq is not None:
                nodes.append({"name": "flat", "op": "flatten", "inputs": [value]})
                value, n_in, freq = "flat", freq * ch, None
            else:
                n_in = ch
            nodes.append({"name": name, "op": "dense", "inputs": [value], "units": units, "activation": act})
            shapes.update({f"{name}.weight": (units, n_in), f"{name}.bias": (units,)})
            macs += units * n_in
            value, ch = name, units
    graph = {"inputs": [{"name": "mel", "shape": [BANDS, 1]}], "outputs": [value], "nodes": nodes}
    return graph, shapes, macs

def tensors_for(shapes, rng):
    out = {}
    for name, shape in sorted(shapes.items()):
        if name.endswith("running_var"):
            t = rng.uniform(0.5, 1.5, shape)
        elif name.endswith("running_mean") or name.endswith(".bias"):
            t = rng.normal(0, 0.05, shape)
        elif name.endswith("_bn.weight"):
            t = rng.uniform(0.8, 1.2, shape)
        else:
            fan_in = int(np.prod(shape[1:]))
            t = rng.normal(0, np.sqrt(2.0 / fan_in), shape)
        out[name] = t.astype("<f4")
    return out

def write_safetensors(path, tensors, metadata):
    header, offset, blobs = {"__metadata__": metadata}, 0, []
    for name in sorted(tensors):
        data = tensors[name].tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))

MODELS = [
    {"name": "onset-tiny", "rate": 16000, "hop": 160, "n_fft": 512,
     "layers": [("conv", "conv1", 4), ("pool", "pool1", 4), ("conv", "conv2", 8), ("pool", "pool2", 4),
                ("dense", "fc1", 16, "relu"), ("dense", "onset", 1, "sigmoid")]},
    {"name": "onset-small", "rate": 22050, "hop": 220, "n_fft": 1024,
     "layers": [("conv", "conv1", 8), ("pool", "pool1", 2), ("conv", "conv2", 16), ("pool", "pool2", 2),
                ("dense", "fc1", 32, "relu"), ("dense", "onset", 1, "sigmoid")]},
    {"name": "onset-medium", "rate": 16000, "hop": 160, "n_fft": 1024,
     "layers": [("conv", "conv1", 16, "bn"), ("pool", "pool1", 2), ("conv", "conv2", 32, "bn"), ("pool", "pool2", 2),
                ("conv", "conv3", 32), ("pool", "pool3", 4), ("dense", "fc1", 64, "relu"), ("dense", "onset", 1, "sigmoid")]},
    {"name": "onset-large", "rate": 22050, "hop": 220, "n_fft": 1024,
     "layers": [("conv", "conv1", 24), ("pool", "pool1", 2), ("conv", "conv2", 48), ("pool", "pool2", 2),
                ("conv", "conv3", 64), ("pool", "pool3", 2), ("dense", "fc1", 256, "relu"), ("dense", "onset", 1, "sigmoid")]},
]

def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.relpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Models", "test"))
    os.makedirs(outdir, exist_ok=True)
    for i, spec in enumerate(MODELS):
        graph, shapes, macs = model(spec)
        tensors = tensors_for(shapes, np.random.default_rng(1000 + i))
        params = sum(t.size for t in tensors.values())
        features = {"type": "logmel", "n_fft": spec["n_fft"], "bands": BANDS, "fmin": 30, "fmax": 8000, "compression": 1.0}
        metadata = {
            "graph": json.dumps(graph, separators=(",", ":")),
            "task": "onset",
            "sample_rate": str(spec["rate"]),
            "hop": str(spec["hop"]),
            "features": json.dumps(features, separators=(",", ":")),
            "labels": json.dumps(["onset"]),
            "provenance": json.dumps({"source": "scripts/make-test-models.py", "trained": False,
                                      "purpose": "latency profiling and loader tests (random weights)"}, separators=(",", ":")),
            "params": str(params),
            "macs_per_second": str(macs * spec["rate"] // spec["hop"]),
        }
        path = os.path.join(outdir, spec["name"] + ".safetensors")
        write_safetensors(path, tensors, metadata)
        print(f"{path}: {params} params, {macs} MACs/frame, {os.path.getsize(path)} bytes")

if __name__ == "__main__":
    main()
