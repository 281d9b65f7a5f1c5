"""Machine work-regime demo models: k-means finds regimes in a synthetic temperature series, an MLP
classifier learns to recognise them.

Run from the repository root:  /usr/bin/python3 tools/models/regimes.py
Writes models/regimes-kmeans.onnx, models/regimes-mlp.onnx, models/regimes-logreg.onnx and
models/regimes.expected.csv. All take the raw features (temperature, temperature_change,
temperature_mean10): k-means and the MLP standardise them inside the graph, the logistic regression
has the standardisation folded into its coefficients (one LinearClassifier node).
"""
import csv
import os
import sys

import numpy as np
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnxexport as ox  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

FEATURES = ["temperature", "temperature_change", "temperature_mean10"]
REGIMES = ["idle", "working", "overload"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def series(n=3000, seed=7):
    """A machine's temperature: idle ~35 C, working ~60 C, overload ~85 C, in segments of random length."""
    rng = np.random.RandomState(seed)
    levels = {0: 35.0, 1: 60.0, 2: 85.0}
    temps, t, regime = [], 35.0, 0
    while len(temps) < n:
        regime = int(rng.choice([r for r in levels if r != regime]))
        for _ in range(rng.randint(80, 300)):
            t += 0.15 * (levels[regime] - t) + rng.normal(0, 0.8 + regime)
            temps.append(t)
    temps = np.array(temps[:n])
    change = np.diff(temps, prepend=temps[0])
    mean10 = np.array([temps[max(0, i - 9): i + 1].mean() for i in range(n)])
    return np.column_stack([temps, change, mean10])


def main():
    x = series()
    mean, scale = x.mean(axis=0), x.std(axis=0)
    z = (x - mean) / scale
    km = KMeans(n_clusters=3, n_init=10, random_state=0).fit(z)
    # Name clusters by their centre's temperature: idle < working < overload.
    order = np.argsort(km.cluster_centers_[:, 0])
    rank = np.empty(3, dtype=int)
    rank[order] = np.arange(3)
    regimes = rank[km.labels_]
    mlp = MLPClassifier(hidden_layer_sizes=(8,), activation="logistic", max_iter=3000, random_state=0)
    mlp.fit(z, np.array(REGIMES)[regimes])

    inp = ox.tensor_info("features", TensorProto.DOUBLE, len(FEATURES))
    std_inits = [numpy_helper.from_array(mean, "mean"), numpy_helper.from_array(scale, "scale")]
    std_nodes = [helper.make_node("Sub", ["features", "mean"], ["centred"]), helper.make_node("Div", ["centred", "scale"], ["z"])]

    # k-means: squared distance = |z|^2 - 2 z.c + |c|^2, then sqrt; the regime is the nearest centre.
    centres = km.cluster_centers_[order]
    km_inits = std_inits + [
        numpy_helper.from_array(-2.0 * centres.T, "minus_two_ct"),
        numpy_helper.from_array((centres ** 2).sum(axis=1), "c_sq"),
        numpy_helper.from_array(np.array(0.0), "zero"),
    ]
    km_nodes = std_nodes + [
        helper.make_node("ReduceSumSquare", ["z"], ["z_sq"], axes=[1], keepdims=1),
        helper.make_node("MatMul", ["z", "minus_two_ct"], ["cross"]),
        helper.make_node("Add", ["cross", "c_sq"], ["partial"]),
        helper.make_node("Add", ["partial", "z_sq"], ["d_sq"]),
        helper.make_node("Clip", ["d_sq", "zero"], ["d_sq_pos"]),
        helper.make_node("Sqrt", ["d_sq_pos"], ["distances"]),
        helper.make_node("ArgMin", ["distances"], ["regime"], axis=1, keepdims=0),
    ]
    km_model = ox.make_model(km_nodes, [inp], [ox.tensor_info("regime", TensorProto.INT64, None), ox.tensor_info("distances", TensorProto.DOUBLE, 3)],
                             km_inits, {"feature_names": ",".join(FEATURES), "class_labels": "0,1,2",
                                        "description": "Machine work regime by k-means (0 idle, 1 working, 2 overload)"}, "regimes_kmeans")
    ox.save(km_model, os.path.join(ROOT, "models", "regimes-kmeans.onnx"))

    nodes, inits, logits = ox.mlp_nodes(mlp, "z")
    classes = [str(c) for c in mlp.classes_]
    mlp_nodes = std_nodes + nodes + [
        helper.make_node("Softmax", [logits], ["probabilities"], axis=1),
        helper.make_node("ArgMax", ["probabilities"], ["best"], axis=1, keepdims=0),
        helper.make_node("Gather", ["classes", "best"], ["label"], axis=0),
    ]
    inits = std_inits + inits + [helper.make_tensor("classes", TensorProto.STRING, [len(classes)], [c.encode() for c in classes])]
    mlp_model = ox.make_model(mlp_nodes, [inp], [ox.tensor_info("label", TensorProto.STRING, None), ox.tensor_info("probabilities", TensorProto.DOUBLE, len(classes))],
                              inits, {"feature_names": ",".join(FEATURES), "class_labels": ",".join(classes),
                                      "description": "Machine work regime, MLP classifier trained on the k-means regimes"}, "regimes_mlp")
    ox.save(mlp_model, os.path.join(ROOT, "models", "regimes-mlp.onnx"))

    # Multinomial logistic regression on the same regimes; (z @ W + b) = x @ (W / scale) + (b - mean / scale @ W).
    logreg = LogisticRegression(max_iter=1000).fit(z, np.array(REGIMES)[regimes])
    coef = logreg.coef_ / scale
    intercept = logreg.intercept_ - (logreg.coef_ * (mean / scale)).sum(axis=1)
    lr_node = helper.make_node("LinearClassifier", ["features"], ["label", "probabilities"], domain=ox.ML,
                               coefficients=[float(v) for v in coef.ravel()], intercepts=[float(v) for v in intercept],
                               post_transform="SOFTMAX", multi_class=0, classlabels_strings=[str(c) for c in logreg.classes_])
    lr_model = ox.make_model([lr_node], [inp], [ox.tensor_info("label", TensorProto.STRING, None), ox.tensor_info("probabilities", TensorProto.FLOAT, len(logreg.classes_))],
                             [], {"feature_names": ",".join(FEATURES), "description": "Machine work regime, multinomial logistic regression"}, "regimes_logreg")
    ox.save(lr_model, os.path.join(ROOT, "models", "regimes-logreg.onnx"))

    rows = np.arange(0, len(x), 6)
    km_pred = rank[km.predict(z[rows])]
    km_dist = km.transform(z[rows])[:, order]
    mlp_label = mlp.predict(z[rows])
    mlp_proba = mlp.predict_proba(z[rows])
    with open(os.path.join(ROOT, "models", "regimes.expected.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FEATURES + ["kmeans_regime"] + [f"kmeans_distance_{i}" for i in range(3)] + ["mlp_label"] + [f"mlp_p_{c}" for c in classes]
                   + ["logreg_label"] + [f"logreg_p_{c}" for c in logreg.classes_])
        lr_label = logreg.predict(z[rows])
        lr_proba = logreg.predict_proba(z[rows])
        for i, r in enumerate(rows):
            w.writerow([repr(float(v)) for v in x[r]] + [int(km_pred[i])] + [repr(float(v)) for v in km_dist[i]]
                       + [mlp_label[i]] + [repr(float(v)) for v in mlp_proba[i]] + [lr_label[i]] + [repr(float(v)) for v in lr_proba[i]])
    agree = float(np.mean(mlp.predict(z) == np.array(REGIMES)[regimes]))
    print(f"regimes: {len(x)} steps, cluster sizes {np.bincount(regimes).tolist()}, MLP agrees with k-means on {agree:.4f}; {len(rows)} expected rows")


if __name__ == "__main__":
    main()
