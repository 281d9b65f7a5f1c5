"""PyTorch test models exported to ONNX: the kind of model the managed evaluator does not cover, scored
through ONNX Runtime by NgsiFlow's tests.

Run from the repository root:  /usr/bin/python3 tools/models/torch_models.py
Needs Debian's python3-torch (1.13) and python3-onnx. Writes tests/NgsiFlow.Inference.Tests/TestData/torch/
<case>.onnx and <case>.csv, in the format of test_models.py: "in:<j>" the input row (the sample's values
flattened row-major, as NgsiFlow takes them), "out:<output>:<j>" PyTorch's own outputs for that row.

- lstm_regressor: one LSTM layer over a window of 12 steps of 3 signals, then a linear head: the next value.
- cnn_classifier: two 1-D convolutions over 2 channels of 32 samples, max pooling, a linear head: label
  (ArgMax) and probabilities (Softmax) over 3 classes.
- attention_block: single-head self-attention over 8 tokens of 4 values with a residual connection and
  layer normalisation, mean pooled, then a linear head: two regression targets.

Each model is trained briefly on synthetic data (seeded, one thread, so the files are reproducible), checked
with onnx.checker's full check, and its expected outputs are PyTorch's on 40 held-out rows.
"""
import csv
import io
import os
import sys

import numpy as np
import onnx
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnxexport as ox  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "NgsiFlow.Inference.Tests", "TestData", "torch")
ROWS = 40
OPSET = 17


class LstmRegressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(input_size=3, hidden_size=16, batch_first=True)
        self.head = nn.Linear(16, 1)

    def forward(self, window):
        out, _ = self.lstm(window)
        return self.head(out[:, -1, :])


class CnnClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(2, 8, kernel_size=5, padding=2)
        self.conv2 = nn.Conv1d(8, 8, kernel_size=3, padding=1)
        self.pool = nn.MaxPool1d(4)
        self.head = nn.Linear(8 * 2, 3)

    def forward(self, signal):
        x = self.pool(torch.relu(self.conv1(signal)))
        x = self.pool(torch.relu(self.conv2(x)))
        logits = self.head(torch.flatten(x, 1))
        probabilities = torch.softmax(logits, dim=1)
        return torch.argmax(probabilities, dim=1), probabilities


class AttentionBlock(nn.Module):
    def __init__(self, dim=4, width=8):
        super().__init__()
        self.embed = nn.Linear(dim, width)
        self.q, self.k, self.v = nn.Linear(width, width), nn.Linear(width, width), nn.Linear(width, width)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, 2)
        self.scale = float(width) ** -0.5

    def forward(self, tokens):
        h = self.embed(tokens)
        attention = torch.softmax(torch.matmul(self.q(h), self.k(h).transpose(1, 2)) * self.scale, dim=-1)
        h = self.norm(h + torch.matmul(attention, self.v(h)))
        return self.head(h.mean(dim=1))


def train(model, x, y, loss_fn, steps=300):
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(steps):
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
    return float(loss)


def export(name, model, sample, input_name, output_names, metadata):
    model.eval()
    buffer = io.BytesIO()
    dynamic = {input_name: {0: "N"}}
    dynamic.update({o: {0: "N"} for o in output_names})
    torch.onnx.export(model, (sample,), buffer, input_names=[input_name], output_names=output_names,
                      dynamic_axes=dynamic, opset_version=OPSET, do_constant_folding=True)
    m = onnx.load_from_string(buffer.getvalue())
    m.producer_name = "ngsiflow-tools (torch.onnx " + torch.__version__ + ")"
    for k, v in metadata.items():
        e = m.metadata_props.add()
        e.key, e.value = k, v
    ox.save(m, os.path.join(OUT, name + ".onnx"))
    return m


def write_expected(name, x, outputs):
    """outputs: list of (output name, array [rows, ...])."""
    flat = x.reshape(len(x), -1)
    header = [f"in:{j}" for j in range(flat.shape[1])]
    cols = []
    for out, values in outputs:
        v = np.asarray(values).reshape(len(x), -1)
        header += [f"out:{out}:{j}" for j in range(v.shape[1])]
        cols.append(v)
    with open(os.path.join(OUT, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in range(len(x)):
            cells = [repr(float(v)) for v in flat[r]]
            for c in cols:
                cells += [str(int(v)) if c.dtype.kind in "iu" else repr(float(v)) for v in c[r]]
            w.writerow(cells)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    rng = np.random.RandomState(0)
    os.makedirs(OUT, exist_ok=True)

    # LSTM: three noisy sine waves of different periods; predict the first one's next value.
    t = np.arange(4000) * 0.1
    signals = np.stack([np.sin(t), np.sin(0.37 * t + 1), np.cos(0.11 * t)], axis=1) + rng.normal(scale=0.05, size=(4000, 3))
    windows = np.stack([signals[i:i + 12] for i in range(0, 3900, 3)]).astype(np.float32)
    targets = np.array([signals[i + 12, 0] for i in range(0, 3900, 3)], dtype=np.float32)[:, None]
    lstm = LstmRegressor()
    loss = train(lstm, torch.from_numpy(windows[:-ROWS]), torch.from_numpy(targets[:-ROWS]), nn.MSELoss())
    test = windows[-ROWS:]
    export("lstm_regressor", lstm, torch.from_numpy(test[:2]), "window", ["value"],
           {"description": "LSTM regressor (hidden 16) over 12 steps x 3 signals, PyTorch"})
    with torch.no_grad():
        write_expected("lstm_regressor", test, [("value", lstm(torch.from_numpy(test)).numpy())])
    print(f"lstm_regressor: training loss {loss:.5f}")

    # 1-D CNN: two channels of 32 samples; class 0 noise, class 1 a slow wave, class 2 spikes.
    n = 600
    labels = rng.randint(0, 3, size=n)
    x = rng.normal(scale=0.3, size=(n, 2, 32))
    phase = rng.uniform(0, 6.3, size=n)
    for i in range(n):
        if labels[i] == 1:
            x[i, 0] += np.sin(np.arange(32) * 0.4 + phase[i])
        elif labels[i] == 2:
            x[i, 1, rng.randint(0, 32, size=3)] += 3.0
    x = x.astype(np.float32)
    cnn = CnnClassifier()
    loss = train_classifier(cnn, torch.from_numpy(x[:-ROWS]), torch.from_numpy(labels[:-ROWS]))
    test = x[-ROWS:]
    export("cnn_classifier", cnn, torch.from_numpy(test[:2]), "signal", ["label", "probabilities"],
           {"description": "1-D CNN classifier over 2 channels x 32 samples, PyTorch", "class_labels": "0,1,2"})
    with torch.no_grad():
        label, proba = cnn(torch.from_numpy(test))
        write_expected("cnn_classifier", test, [("label", label.numpy()), ("probabilities", proba.numpy())])
    accuracy = float(np.mean(label.numpy() == labels[-ROWS:]))
    print(f"cnn_classifier: training loss {loss:.5f}, held-out accuracy {accuracy:.3f}")

    # Attention: 8 tokens of 4 values; targets are the mean of the first value and the max of the second.
    tokens = rng.normal(size=(800, 8, 4)).astype(np.float32)
    y = np.stack([tokens[:, :, 0].mean(axis=1), tokens[:, :, 1].max(axis=1)], axis=1).astype(np.float32)
    attention = AttentionBlock()
    loss = train(attention, torch.from_numpy(tokens[:-ROWS]), torch.from_numpy(y[:-ROWS]), nn.MSELoss())
    test = tokens[-ROWS:]
    export("attention_block", attention, torch.from_numpy(test[:2]), "tokens", ["value"],
           {"description": "Single-head self-attention block (residual, LayerNorm, mean pooling) over 8 tokens x 4, PyTorch"})
    with torch.no_grad():
        write_expected("attention_block", test, [("value", attention(torch.from_numpy(test)).numpy())])
    print(f"attention_block: training loss {loss:.5f}")


def train_classifier(model, x, y, steps=200):
    optimiser = torch.optim.Adam(model.parameters(), lr=0.01)
    loss_fn = nn.NLLLoss()
    for _ in range(steps):
        optimiser.zero_grad()
        _, probabilities = model(x)
        loss = loss_fn(torch.log(probabilities + 1e-9), y)
        loss.backward()
        optimiser.step()
    return float(loss)


if __name__ == "__main__":
    main()
