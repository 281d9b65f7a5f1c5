"""Models for NgsiFlow's ai.onnx.ml conformance tests, with scikit-learn's own outputs as expectations.

Run from the repository root:  /usr/bin/python3 tools/models/test_models.py
Writes tests/NgsiFlow.Inference.Tests/TestData/sklearn/<case>.onnx and <case>.csv. CSV columns:
"in:<j>" are the input row, "out:<output>:<j>" the expected output values (j = column, or class label
for ZipMap maps). "nan" marks a missing value. Every case is seeded, so the files are reproducible.

Every model written passes onnx.checker.check_model(full_check=True) and loads in ONNX Runtime (the tests
check both). Tree ensembles take double inputs with double thresholds rewritten for scikit-learn's float32
comparisons (see onnxexport.py) and give float outputs; operators ONNX Runtime implements for float only
(LinearRegressor, Binarizer, Imputer) take float inputs, with float32-exact data. One case is the
exception: forest_classifier_zipmap.csv has only its expectations, because Debian's onnx 1.12 cannot
check a graph whose output is a ZipMap's sequence of maps ("type case unsupported for symbolic shape
inference"); the tests build that model from forest_classifier_multiclass.onnx plus a ZipMap node.
"""
import csv
import os
import sys

import numpy as np
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor, HistGradientBoostingClassifier,
                              HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.preprocessing import Binarizer, LabelEncoder, Normalizer, OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import onnxexport as ox  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "NgsiFlow.Inference.Tests", "TestData", "sklearn")
F, D, S, I = TensorProto.FLOAT, TensorProto.DOUBLE, TensorProto.STRING, TensorProto.INT64
ROWS = 60  # expected rows per case: enough to reach many leaves, small enough to commit


def cell(v):
    if isinstance(v, (float, np.floating)):
        return "nan" if np.isnan(v) else repr(float(v))
    return str(v)


def write(name, model, x, outputs, description):
    """outputs: list of (output name, 2-D array of expected values, column keys or None); model None writes only the CSV."""
    if model is not None:
        model.doc_string = description
        ox.save(model, os.path.join(OUT, name + ".onnx"))
    x = np.asarray(x, dtype=object) if np.asarray(x).dtype.kind in "OUS" else np.asarray(x)
    x2 = x.reshape(len(x), -1)
    header = [f"in:{j}" for j in range(x2.shape[1])]
    cols = []
    for out, values, keys in outputs:
        v = np.asarray(values, dtype=object).reshape(len(x2), -1)
        keys = keys if keys is not None else list(range(v.shape[1]))
        header += [f"out:{out}:{k}" for k in keys]
        cols.append(v)
    with open(os.path.join(OUT, name + ".csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in range(len(x2)):
            w.writerow([cell(v) for v in x2[r]] + [cell(v) for c in cols for v in c[r]])


def single(node, inp_type, n_in, outs, inits=(), extra=()):
    return ox.make_model(list(extra) + [node], [ox.tensor_info("X", inp_type, n_in)], outs, inits)


def reg_outs(typ=F):
    return [ox.tensor_info("Y", typ, 1)]


def clf_outs(labels, prob_type=F):
    return [ox.tensor_info("label", ox.label_type(labels), None), ox.tensor_info("probabilities", prob_type, len(labels))]


def as_f32(x):
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(0)
    xr, yr = make_friedman1(n_samples=1500, n_features=6, noise=0.5, random_state=1)
    xr = as_f32(xr)
    xt = xr[:ROWS]

    # Single regression trees of depth 1 to 20.
    for depth in (1, 2, 3, 5, 8, 12, 16, 20):
        m = DecisionTreeRegressor(max_depth=depth, random_state=depth).fit(xr, yr)
        write(f"tree_regressor_depth{depth}", single(ox.tree_regressor(m), D, 6, reg_outs()), xt, [("Y", m.predict(xt), None)],
              f"DecisionTreeRegressor max_depth={depth}")

    rf = RandomForestRegressor(n_estimators=7, max_depth=8, random_state=2).fit(xr, yr)
    write("forest_regressor_average", single(ox.forest_regressor(rf), D, 6, reg_outs()), xt, [("Y", rf.predict(xt), None)],
          "RandomForestRegressor, AVERAGE, double thresholds and weights")
    per_tree = np.array([e.predict(xt) for e in rf.estimators_])
    write("forest_regressor_min", single(ox.forest_regressor(rf, aggregate="MIN"), D, 6, reg_outs()), xt, [("Y", per_tree.min(axis=0), None)],
          "RandomForestRegressor trees aggregated with MIN (expected: min of scikit-learn's per-tree predictions)")
    write("forest_regressor_max", single(ox.forest_regressor(rf, aggregate="MAX"), D, 6, reg_outs()), xt, [("Y", per_tree.max(axis=0), None)],
          "RandomForestRegressor trees aggregated with MAX (expected: max of scikit-learn's per-tree predictions)")
    write("forest_regressor_sum", single(ox.forest_regressor(rf, aggregate="SUM"), D, 6, reg_outs()), xt, [("Y", per_tree.sum(axis=0), None)],
          "RandomForestRegressor trees aggregated with SUM (expected: sum of scikit-learn's per-tree predictions)")
    write("forest_regressor_mixed_modes", single(ox.forest_regressor(rf, modes="mixed", rng=np.random.RandomState(3)), D, 6, reg_outs()), xt,
          [("Y", rf.predict(xt), None)], "RandomForestRegressor with splits written as BRANCH_LEQ, _LT, _GTE, _GT (equivalent for float inputs)")
    write("forest_regressor_float_attributes", single(ox.forest_regressor(rf, double=False, float_thresholds=True), F, 6, reg_outs(F)), xt,
          [("Y", rf.predict(xt), None)], "RandomForestRegressor with float attributes (opset 1 style), thresholds rounded down to float32")

    # Classifiers: binary and multi-class, int and string labels, trees of depth 1 to 20.
    xc, yc = make_classification(n_samples=1500, n_features=8, n_informative=5, n_classes=3, random_state=4)
    xc = as_f32(xc)
    xct = xc[:ROWS]
    names = np.array(["low", "mid", "high"])
    for depth in (1, 4, 10, 20):
        m = DecisionTreeClassifier(max_depth=depth, random_state=depth).fit(xc, names[yc])
        write(f"tree_classifier_depth{depth}", single(ox.forest_classifier(m), D, 8, clf_outs(m.classes_)), xct,
              [("label", m.predict(xct), None), ("probabilities", m.predict_proba(xct), None)], f"DecisionTreeClassifier max_depth={depth}, string labels")
    yb = (yc == 1).astype(np.int64) * 7  # binary, int labels 0 and 7
    rfc = RandomForestClassifier(n_estimators=7, max_depth=8, random_state=5).fit(xc, yb)
    write("forest_classifier_binary", single(ox.forest_classifier(rfc), D, 8, clf_outs(rfc.classes_)), xct,
          [("label", rfc.predict(xct), None), ("probabilities", rfc.predict_proba(xct), None)], "RandomForestClassifier, binary, int labels")
    rfm = RandomForestClassifier(n_estimators=7, max_depth=10, random_state=6).fit(xc, yc + 10)
    write("forest_classifier_multiclass", single(ox.forest_classifier(rfm), D, 8, clf_outs(rfm.classes_)), xct,
          [("label", rfm.predict(xct), None), ("probabilities", rfm.predict_proba(xct), None)], "RandomForestClassifier, 3 classes, int labels")
    write("forest_classifier_mixed_modes", single(ox.forest_classifier(rfm, modes="mixed", rng=np.random.RandomState(7)), D, 8, clf_outs(rfm.classes_)), xct,
          [("label", rfm.predict(xct), None), ("probabilities", rfm.predict_proba(xct), None)], "RandomForestClassifier with mixed node modes")
    node = ox.forest_classifier(rfm, outs=("label", "scores"))
    zip_node = helper.make_node("ZipMap", ["scores"], ["probabilities"], domain=ox.ML, classlabels_int64s=[int(c) for c in rfm.classes_])
    seq = onnx.TypeProto()
    seq.sequence_type.elem_type.map_type.key_type = I
    seq.sequence_type.elem_type.map_type.value_type.tensor_type.elem_type = F
    zm = ox.make_model([node, zip_node], [ox.tensor_info("X", D, 8)], [ox.tensor_info("label", I, None), helper.make_value_info("probabilities", seq)])
    onnx.checker.check_model(zm)  # the full check fails in onnx 1.12 on the map output (see the module docstring)
    write("forest_classifier_zipmap", None, xct, [("label", rfm.predict(xct), None), ("probabilities", rfm.predict_proba(xct), [int(c) for c in rfm.classes_])],
          "RandomForestClassifier followed by ZipMap (one label->probability map per row)")

    # Gradient boosting: base values, SUM, LOGISTIC (binary, one score column), SOFTMAX.
    gbr = GradientBoostingRegressor(n_estimators=30, max_depth=4, random_state=8).fit(xr, yr)
    write("gradient_boosting_regressor", single(ox.gb_regressor(gbr), D, 6, reg_outs()), xt, [("Y", gbr.predict(xt), None)], "GradientBoostingRegressor, base value")
    gbb = GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=9).fit(xc, names[(yc == 2).astype(int)])
    write("gradient_boosting_classifier_binary", single(ox.gb_classifier(gbb), D, 8, clf_outs(gbb.classes_)), xct,
          [("label", gbb.predict(xct), None), ("probabilities", gbb.predict_proba(xct), None)], "GradientBoostingClassifier binary: one score column, LOGISTIC")
    gbm = GradientBoostingClassifier(n_estimators=15, max_depth=3, random_state=10).fit(xc, yc)
    write("gradient_boosting_classifier_multiclass", single(ox.gb_classifier(gbm), D, 8, clf_outs(gbm.classes_)), xct,
          [("label", gbm.predict(xct), None), ("probabilities", gbm.predict_proba(xct), None)], "GradientBoostingClassifier 3 classes, SOFTMAX")

    # Missing values: HistGradientBoosting learns where NaN goes at each split (missing-value tracks).
    xm = xr.copy()
    xm[rng.rand(*xm.shape) < 0.15] = np.nan
    xmt = xm[:ROWS]
    hgr = HistGradientBoostingRegressor(max_iter=40, random_state=11).fit(xm, yr)
    write("hist_gradient_boosting_regressor_missing", single(ox.hgb_regressor(hgr), D, 6, reg_outs()), xmt, [("Y", hgr.predict(xmt), None)],
          "HistGradientBoostingRegressor trained and evaluated with missing values")
    xcm = xc.copy()
    xcm[rng.rand(*xcm.shape) < 0.15] = np.nan
    xcmt = xcm[:ROWS]
    hgb = HistGradientBoostingClassifier(max_iter=30, random_state=12).fit(xcm, yb)
    write("hist_gradient_boosting_classifier_binary_missing", single(ox.hgb_classifier(hgb), D, 8, clf_outs(hgb.classes_)), xcmt,
          [("label", hgb.predict(xcmt), None), ("probabilities", hgb.predict_proba(xcmt), None)], "HistGradientBoostingClassifier binary with missing values")
    hgm = HistGradientBoostingClassifier(max_iter=20, random_state=13).fit(xcm, names[yc])
    write("hist_gradient_boosting_classifier_multiclass_missing", single(ox.hgb_classifier(hgm), D, 8, clf_outs(hgm.classes_)), xcmt,
          [("label", hgm.predict(xcmt), None), ("probabilities", hgm.predict_proba(xcmt), None)], "HistGradientBoostingClassifier 3 classes with missing values")

    # Linear models (float coefficients, double inputs).
    xl = as_f32(rng.normal(size=(400, 5)))
    xlt = xl[:ROWS]
    yl = xl @ np.array([1.5, -2.0, 0.5, 3.0, -1.0]) + 10 + rng.normal(scale=0.1, size=400)
    lr = LinearRegression().fit(xl, yl)
    write("linear_regressor", single(ox.linear_regressor(lr), F, 5, [ox.tensor_info("Y", F, 1)]), xlt, [("Y", lr.predict(xlt), None)], "LinearRegression")
    ridge = Ridge(alpha=0.5).fit(xl, np.column_stack([yl, 2 * yl - 5]))
    write("linear_regressor_two_targets", single(ox.linear_regressor(ridge), F, 5, [ox.tensor_info("Y", F, 2)]), xlt, [("Y", ridge.predict(xlt), None)], "Ridge with two targets")
    yb2 = np.where(xl[:, 0] - xl[:, 1] + rng.normal(scale=0.5, size=400) > 0, "on", "off")
    lb = LogisticRegression().fit(xl, yb2)
    write("linear_classifier_binary", single(ox.linear_classifier(lb), D, 5, clf_outs(lb.classes_, F)), xlt,
          [("label", lb.predict(xlt), None), ("probabilities", lb.predict_proba(xlt), None)], "LogisticRegression binary: one coefficient row, LOGISTIC, string labels")
    ym = np.digitize(xl[:, 0] + xl[:, 2], [-0.7, 0.7]) + 1
    lm = LogisticRegression(max_iter=500).fit(xl, ym)
    write("linear_classifier_multiclass", single(ox.linear_classifier(lm), D, 5, clf_outs(lm.classes_, F)), xlt,
          [("label", lm.predict(xlt), None), ("probabilities", lm.predict_proba(xlt), None)], "LogisticRegression multinomial, SOFTMAX, int labels")

    # Preprocessing.
    xp = np.abs(rng.normal(loc=2, size=(200, 4))) + 0.1
    xpt = xp[:ROWS]
    sc = StandardScaler().fit(xp)
    n = helper.make_node("Scaler", ["X"], ["Y"], domain=ox.ML, offset=[float(v) for v in sc.mean_], scale=[float(1 / v) for v in sc.scale_])
    write("scaler", single(n, D, 4, [ox.tensor_info("Y", F, 4)]), xpt, [("Y", sc.transform(xpt), None)], "StandardScaler as Scaler")
    for norm in ("l1", "l2", "max"):
        n = helper.make_node("Normalizer", ["X"], ["Y"], domain=ox.ML, norm=norm.upper())
        write(f"normalizer_{norm}", single(n, D, 4, [ox.tensor_info("Y", F, 4)]), xpt, [("Y", Normalizer(norm=norm).fit_transform(xpt), None)], f"Normalizer norm={norm}")
    n = helper.make_node("Binarizer", ["X"], ["Y"], domain=ox.ML, threshold=2.0)
    xpf = as_f32(xpt)
    write("binarizer", single(n, F, 4, [ox.tensor_info("Y", F, 4)]), xpf, [("Y", Binarizer(threshold=2.0).fit_transform(xpf), None)], "Binarizer threshold=2")
    xi = as_f32(xp)
    xi[rng.rand(*xi.shape) < 0.2] = np.nan
    imp = SimpleImputer(strategy="mean").fit(xi)
    n = helper.make_node("Imputer", ["X"], ["Y"], domain=ox.ML, imputed_value_floats=[float(v) for v in imp.statistics_], replaced_value_float=float("nan"))
    write("imputer", single(n, F, 4, [ox.tensor_info("Y", F, 4)]), xi[:ROWS], [("Y", imp.transform(xi[:ROWS]), None)], "SimpleImputer(mean) as Imputer")
    idx = numpy_helper.from_array(np.array([3, 0, 2], dtype=np.int64), "idx")
    n = helper.make_node("ArrayFeatureExtractor", ["X", "idx"], ["Y"], domain=ox.ML)
    write("array_feature_extractor", single(n, D, 4, [ox.tensor_info("Y", D, 3)], [idx]), xpt, [("Y", xpt[:, [3, 0, 2]], None)], "ArrayFeatureExtractor columns 3, 0, 2")
    words = np.array(["pump", "fan", "valve", "motor"])[rng.randint(0, 4, size=200)]
    le = LabelEncoder().fit(words)
    n = helper.make_node("LabelEncoder", ["X"], ["Y"], domain=ox.ML, keys_strings=[str(c) for c in le.classes_],
                         values_int64s=list(range(len(le.classes_))), default_int64=-1)
    m = ox.make_model([n], [helper.make_tensor_value_info("X", S, ["N"])], [helper.make_tensor_value_info("Y", I, ["N"])])
    write("label_encoder", m, words[:ROWS], [("Y", le.transform(words[:ROWS]), None)], "LabelEncoder strings -> int64")
    codes = rng.randint(0, 5, size=(200, 1)) * 10
    oh = OneHotEncoder(handle_unknown="ignore").fit(codes)
    n = helper.make_node("OneHotEncoder", ["X"], ["Y"], domain=ox.ML, cats_int64s=[int(c) for c in oh.categories_[0]], zeros=1)
    m = ox.make_model([n], [ox.tensor_info("X", I, 1)], [helper.make_tensor_value_info("Y", F, ["N", 1, len(oh.categories_[0])])])
    write("one_hot_encoder", m, codes[:ROWS], [("Y", oh.transform(codes[:ROWS]).toarray(), None)], "OneHotEncoder on one int column")

    # A pipeline: Imputer -> Scaler -> LinearRegressor.
    xq = as_f32(xl)
    xq[rng.rand(*xq.shape) < 0.1] = np.nan
    imp2 = SimpleImputer(strategy="mean").fit(xq)
    xq_i = imp2.transform(xq)
    sc2 = StandardScaler().fit(xq_i)
    lr2 = LinearRegression().fit(sc2.transform(xq_i), yl)
    nodes = [helper.make_node("Imputer", ["X"], ["imputed"], domain=ox.ML, imputed_value_floats=[float(v) for v in imp2.statistics_], replaced_value_float=float("nan")),
             helper.make_node("Scaler", ["imputed"], ["scaled"], domain=ox.ML, offset=[float(v) for v in sc2.mean_], scale=[float(1 / v) for v in sc2.scale_]),
             ox.linear_regressor(lr2, inp="scaled")]
    m = ox.make_model(nodes, [ox.tensor_info("X", F, 5)], [ox.tensor_info("Y", F, 1)])
    expected = lr2.predict(sc2.transform(imp2.transform(xq[:ROWS])))
    write("pipeline_imputer_scaler_linear", m, xq[:ROWS], [("Y", expected, None)], "Imputer -> Scaler -> LinearRegressor")
    print(f"wrote {len([f for f in os.listdir(OUT) if f.endswith('.onnx')])} models to {OUT}")


if __name__ == "__main__":
    main()
