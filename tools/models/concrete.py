"""Concrete strength demo model: a 150-tree random forest regressor on the concrete data set.

Run from the repository root:  /usr/bin/python3 tools/models/concrete.py
Writes models/concrete-rf150.onnx and models/concrete-rf150.expected.csv (all 1,030 rows with
scikit-learn's predictions, 17 significant digits), and a gradient-boosting model of the same data,
models/concrete-gb100.onnx with models/concrete-gb100.expected.csv (benchmarks compare the evaluators on it).
Both take a double [N, 8] input and give a float [N, 1] output, as ai.onnx.ml opset 3 defines tree
ensembles; they pass onnx.checker's full check and load in ONNX Runtime.
"""
import csv
import os
import sys

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnxexport as ox  # noqa: E402
from onnx import TensorProto  # noqa: E402

FEATURES = ["cement", "slag", "ash", "water", "superplastic", "coarseagg", "fineagg", "age"]
TARGET = "strength"
# Full-depth trees on 1,030 rows make a 5 MB file; leaves of at least 3 samples keep it under 2 MB
# while the mean absolute error on the data stays close (see the printed MAE).
PARAMS = dict(n_estimators=150, min_samples_leaf=3, random_state=42, n_jobs=1)
GB_PARAMS = dict(n_estimators=100, max_depth=4, learning_rate=0.1, random_state=42)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("CONCRETE_CSV", os.path.join(ROOT, "..", "shared", "data", "concrete", "concrete_dataset.csv"))


def load(path=DATA):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    x = np.array([[float(r[c]) for c in FEATURES] for r in rows])
    y = np.array([float(r[TARGET]) for r in rows])
    return x, y


def train(path=DATA):
    x, y = load(path)
    return RandomForestRegressor(**PARAMS).fit(x, y), x, y


def export(node, name, description):
    node.input[0] = "features"
    node.output[0] = "strength"
    onnx_model = ox.make_model(
        [node], [ox.tensor_info("features", TensorProto.DOUBLE, len(FEATURES))], [ox.tensor_info("strength", TensorProto.FLOAT, 1)],
        metadata={"feature_names": ",".join(FEATURES), "target": TARGET, "description": description},
        name=name.replace("-", "_"))
    os.makedirs(os.path.join(ROOT, "models"), exist_ok=True)
    path = os.path.join(ROOT, "models", name + ".onnx")
    ox.save(onnx_model, path)
    return os.path.getsize(path)


def write_expected(name, x, y, pred):
    with open(os.path.join(ROOT, "models", name + ".expected.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FEATURES + [TARGET, "predicted_strength"])
        for row, target, p in zip(x, y, pred):
            w.writerow([repr(float(v)) for v in row] + [repr(float(target)), repr(float(p))])


def main():
    model, x, y = train()
    size = export(ox.forest_regressor(model, double=True, aggregate="AVERAGE"), "concrete-rf150",
                  "Concrete compressive strength (MPa), random forest of 150 trees (scikit-learn)")
    pred = model.predict(x)
    write_expected("concrete-rf150", x, y, pred)
    mae = float(np.mean(np.abs(pred - y)))
    print(f"concrete-rf150.onnx: {size} bytes, {sum(e.tree_.node_count for e in model.estimators_)} nodes, MAE {mae!r}")

    gb = GradientBoostingRegressor(**GB_PARAMS).fit(x, y)
    size = export(ox.gb_regressor(gb, double=True), "concrete-gb100",
                  "Concrete compressive strength (MPa), gradient boosting of 100 trees of depth 4 (scikit-learn)")
    pred = gb.predict(x)
    write_expected("concrete-gb100", x, y, pred)
    print(f"concrete-gb100.onnx: {size} bytes, MAE {float(np.mean(np.abs(pred - y)))!r}")


if __name__ == "__main__":
    main()
