"""Export fitted scikit-learn estimators to ONNX, written for NgsiFlow's demo and test models.

Only what NgsiFlow needs: decision trees, random forests, gradient boosting (classic and histogram),
linear models, MLPs, k-means and a few preprocessing steps.

Every model it writes passes onnx.checker.check_model(full_check=True) and loads in ONNX Runtime. Tree
ensembles follow what ai.onnx.ml opset 3 and ONNX Runtime accept: their outputs are float tensors; double
thresholds and leaf weights (the "_as_tensor" attributes) go with a double input, float ones with a float
input. scikit-learn's trees compare float32(x) <= t; for a double input each threshold is rewritten to the
double t' with x <= t' exactly when float32(x) <= t, so double inputs split as scikit-learn does, and sums
of leaf values stay in double until the final rounding of the output to float.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ML = "ai.onnx.ml"
CORE_OPSET = 15
ML_OPSET = 3


def _dtensor(values, name="t"):
    return numpy_helper.from_array(np.asarray(values, dtype=np.float64), name)


def _f32_floor(t):
    """Largest float32 <= t: for float32 inputs, x <= t exactly when x <= this value."""
    f = np.float32(t)
    if float(f) > t:
        f = np.nextafter(f, np.float32(-np.inf))
    return f


def f32_split_for_double(t):
    """The double t' such that, for every double x, x <= t' exactly when float32(x) <= t.

    float32(x) <= t means float32(x) <= F, the largest float32 <= t, which holds while x is below the midpoint of F
    and the next float32 up; at the midpoint itself round-half-to-even decides (to F when F's last bit is 0).
    """
    f = _f32_floor(t)
    if np.isinf(f):
        return float(f)
    up = np.nextafter(f, np.float32(np.inf))
    mid = (float(f) + float(up)) / 2.0  # exact in double
    even = (int(np.array([f], dtype=np.float32).view(np.uint32)[0]) & 1) == 0
    return mid if even else float(np.nextafter(mid, -np.inf))


class TreeSpec:
    """Collects the nodes_* and weight attributes of one TreeEnsemble operator."""

    def __init__(self):
        self.n = {k: [] for k in ("treeids", "nodeids", "featureids", "modes", "values", "truenodeids", "falsenodeids", "missing")}
        self.w = {k: [] for k in ("treeids", "nodeids", "ids", "weights")}

    def node(self, tree, node, feature, mode, value, true_id, false_id, missing=0):
        for k, v in zip(("treeids", "nodeids", "featureids", "modes", "values", "truenodeids", "falsenodeids", "missing"),
                        (tree, node, feature, mode, value, true_id, false_id, missing)):
            self.n[k].append(v)

    def weight(self, tree, node, target, value):
        for k, v in zip(("treeids", "nodeids", "ids", "weights"), (tree, node, target, value)):
            self.w[k].append(v)

    def attributes(self, prefix, double=True):
        a = dict(
            nodes_treeids=self.n["treeids"], nodes_nodeids=self.n["nodeids"], nodes_featureids=self.n["featureids"],
            nodes_modes=self.n["modes"], nodes_truenodeids=self.n["truenodeids"], nodes_falsenodeids=self.n["falsenodeids"],
        )
        if any(self.n["missing"]):
            a["nodes_missing_value_tracks_true"] = self.n["missing"]
        a[prefix + "_treeids"] = self.w["treeids"]
        a[prefix + "_nodeids"] = self.w["nodeids"]
        a[prefix + "_ids"] = self.w["ids"]
        if double:
            a["nodes_values_as_tensor"] = _dtensor(self.n["values"])
            a[prefix + "_weights_as_tensor"] = _dtensor(self.w["weights"])
        else:
            a["nodes_values"] = [float(v) for v in self.n["values"]]
            a[prefix + "_weights"] = [float(v) for v in self.w["weights"]]
        return a


def add_sklearn_tree(spec, tree_id, tree, leaf_weights, modes="leq", rng=None, float_thresholds=False, double_input=False):
    """Adds one fitted sklearn tree (estimator.tree_). leaf_weights(i) -> [(target, weight)].

    modes="mixed" writes each split in one of four equivalent forms (LEQ, GT, LT, GTE) chosen at random.
    float_thresholds: thresholds rounded down to float32 (float input, float attributes);
    double_input: thresholds rewritten for a double input (see f32_split_for_double). Otherwise, the LT/GTE
    forms are written for float32 inputs.
    """
    left, right = tree.children_left, tree.children_right
    for i in range(tree.node_count):
        if left[i] == -1:
            spec.node(tree_id, i, 0, "LEAF", 0.0, 0, 0)
            for target, w in leaf_weights(i):
                spec.weight(tree_id, i, target, w)
            continue
        t = float(tree.threshold[i])
        f = int(tree.feature[i])
        if float_thresholds:
            t = float(_f32_floor(t))
        form = "leq" if modes == "leq" else rng.choice(["leq", "gt", "lt", "gte"])
        if double_input:
            t = f32_split_for_double(t)
            if form in ("lt", "gte"):
                # x <= t'  <=>  x < next double above t'
                t = float(np.nextafter(t, np.inf))
            mode = {"leq": "BRANCH_LEQ", "gt": "BRANCH_GT", "lt": "BRANCH_LT", "gte": "BRANCH_GTE"}[form]
            left_first = form in ("leq", "lt")
            spec.node(tree_id, i, f, mode, t, left[i] if left_first else right[i], right[i] if left_first else left[i])
        elif form == "leq":
            spec.node(tree_id, i, f, "BRANCH_LEQ", t, left[i], right[i])
        elif form == "gt":
            spec.node(tree_id, i, f, "BRANCH_GT", t, right[i], left[i])
        else:
            # float32 x <= t  <=>  x < next float32 above floor32(t)
            up = float(np.nextafter(_f32_floor(t), np.float32(np.inf)))
            if form == "lt":
                spec.node(tree_id, i, f, "BRANCH_LT", up, left[i], right[i])
            else:
                spec.node(tree_id, i, f, "BRANCH_GTE", up, right[i], left[i])


def add_hgb_predictor(spec, tree_id, nodes, target):
    """Adds one HistGradientBoosting predictor: x <= num_threshold goes left; NaN follows missing_go_to_left."""
    for i, nd in enumerate(nodes):
        if nd["is_leaf"]:
            spec.node(tree_id, i, 0, "LEAF", 0.0, 0, 0)
            spec.weight(tree_id, i, target, float(nd["value"]))
        else:
            if nd["is_categorical"]:
                raise ValueError("categorical splits are not exported")
            spec.node(tree_id, i, int(nd["feature_idx"]), "BRANCH_LEQ", float(nd["num_threshold"]),
                      int(nd["left"]), int(nd["right"]), int(nd["missing_go_to_left"]))


def _labels_attr(labels, key_int, key_str):
    labels = list(labels)
    if all(isinstance(v, (int, np.integer)) for v in labels):
        return {key_int: [int(v) for v in labels]}
    return {key_str: [str(v) for v in labels]}


def label_type(labels):
    return TensorProto.INT64 if all(isinstance(v, (int, np.integer)) for v in labels) else TensorProto.STRING


def regressor_node(spec, n_targets, aggregate="SUM", base_values=None, post="NONE", double=True, inp="X", out="Y"):
    a = spec.attributes("target", double)
    a.update(n_targets=n_targets, aggregate_function=aggregate, post_transform=post)
    if base_values is not None:
        if double:
            a["base_values_as_tensor"] = _dtensor(base_values)
        else:
            a["base_values"] = [float(v) for v in base_values]
    return helper.make_node("TreeEnsembleRegressor", [inp], [out], domain=ML, **a)


def classifier_node(spec, labels, base_values=None, post="NONE", double=True, inp="X", outs=("label", "probabilities")):
    a = spec.attributes("class", double)
    a.update(_labels_attr(labels, "classlabels_int64s", "classlabels_strings"))
    a["post_transform"] = post
    if base_values is not None:
        if double:
            a["base_values_as_tensor"] = _dtensor(base_values)
        else:
            a["base_values"] = [float(v) for v in base_values]
    return helper.make_node("TreeEnsembleClassifier", [inp], list(outs), domain=ML, **a)


def forest_regressor(model, double=True, aggregate="AVERAGE", modes="leq", rng=None, float_thresholds=False):
    spec = TreeSpec()
    for t, est in enumerate(model.estimators_):
        tr = est.tree_
        add_sklearn_tree(spec, t, tr, lambda i, tr=tr: [(0, float(tr.value[i][0][0]))], modes, rng, float_thresholds, double)
    return regressor_node(spec, 1, aggregate=aggregate, double=double)


def tree_regressor(model, double=True, modes="leq", rng=None):
    spec = TreeSpec()
    tr = model.tree_
    add_sklearn_tree(spec, 0, tr, lambda i: [(0, float(tr.value[i][0][0]))], modes, rng, double_input=double)
    return regressor_node(spec, 1, aggregate="SUM", double=double)


def forest_classifier(model, double=True, modes="leq", rng=None, float_thresholds=False, outs=("label", "probabilities")):
    """Random forest (or one decision tree): each leaf adds its class proportions / number of trees.

    Two classes: each leaf adds only the second class's proportion, as class id 0, the one-score-column form
    ONNX Runtime reads as [1 - s, s] (with both columns written, it labels a row by "score of class 1 > 0").
    """
    estimators = getattr(model, "estimators_", [model])
    spec = TreeSpec()
    n = len(estimators)
    binary = len(model.classes_) == 2
    for t, est in enumerate(estimators):
        tr = est.tree_

        def weights(i, tr=tr):
            v = tr.value[i][0]
            p = v / v.sum()
            if binary:
                return [(0, float(p[1] / n))]
            return [(k, float(p[k] / n)) for k in range(len(p))]

        add_sklearn_tree(spec, t, tr, weights, modes, rng, float_thresholds, double)
    return classifier_node(spec, model.classes_, double=double, outs=outs)


def gb_regressor(model, double=True):
    spec = TreeSpec()
    lr = model.learning_rate
    for t, row in enumerate(model.estimators_):
        tr = row[0].tree_
        add_sklearn_tree(spec, t, tr, lambda i, tr=tr: [(0, lr * float(tr.value[i][0][0]))], double_input=double)
    base = float(model._raw_predict_init(np.zeros((1, model.n_features_in_)))[0, 0])
    return regressor_node(spec, 1, aggregate="SUM", base_values=[base], double=double)


def gb_classifier(model, double=True):
    """Binary: one score column (the positive class) and LOGISTIC; multi-class: one per class and SOFTMAX."""
    spec = TreeSpec()
    lr = model.learning_rate
    k = model.estimators_.shape[1]
    t = 0
    for row in model.estimators_:
        for c in range(k):
            tr = row[c].tree_
            add_sklearn_tree(spec, t, tr, lambda i, tr=tr, c=c: [(c, lr * float(tr.value[i][0][0]))], double_input=double)
            t += 1
    base = model._raw_predict_init(np.zeros((1, model.n_features_in_)))[0]
    post = "LOGISTIC" if k == 1 else "SOFTMAX"
    return classifier_node(spec, model.classes_, base_values=list(base), post=post, double=double)


def hgb_regressor(model):
    spec = TreeSpec()
    for t, row in enumerate(model._predictors):
        add_hgb_predictor(spec, t, row[0].nodes, 0)
    return regressor_node(spec, 1, aggregate="SUM", base_values=list(np.ravel(model._baseline_prediction)))


def hgb_classifier(model):
    spec = TreeSpec()
    k = len(model._predictors[0])
    t = 0
    for row in model._predictors:
        for c in range(k):
            add_hgb_predictor(spec, t, row[c].nodes, c)
            t += 1
    post = "LOGISTIC" if k == 1 else "SOFTMAX"
    return classifier_node(spec, model.classes_, base_values=list(np.ravel(model._baseline_prediction)), post=post)


def linear_regressor(model, inp="X", out="Y"):
    coef = np.atleast_2d(model.coef_)
    intercept = np.atleast_1d(model.intercept_)
    return helper.make_node("LinearRegressor", [inp], [out], domain=ML, coefficients=[float(v) for v in coef.ravel()],
                            intercepts=[float(v) for v in intercept], targets=coef.shape[0])


def linear_classifier(model, inp="X", outs=("label", "probabilities")):
    """Logistic regression: binary with one coefficient row and LOGISTIC, multinomial with SOFTMAX."""
    coef = np.atleast_2d(model.coef_)
    post = "LOGISTIC" if coef.shape[0] == 1 else "SOFTMAX"
    a = dict(coefficients=[float(v) for v in coef.ravel()], intercepts=[float(v) for v in np.atleast_1d(model.intercept_)],
             post_transform=post, multi_class=0)
    a.update(_labels_attr(model.classes_, "classlabels_ints", "classlabels_strings"))
    return helper.make_node("LinearClassifier", [inp], list(outs), domain=ML, **a)


def mlp_nodes(model, inp, prefix="mlp"):
    """MLP layers as core operators (MatMul, Add, activation); returns nodes, initializers, last output name."""
    act = {"relu": "Relu", "logistic": "Sigmoid", "tanh": "Tanh", "identity": None}[model.activation]
    nodes, inits = [], []
    x = inp
    for i, (w, b) in enumerate(zip(model.coefs_, model.intercepts_)):
        wn, bn = f"{prefix}_W{i}", f"{prefix}_B{i}"
        inits += [numpy_helper.from_array(np.asarray(w, dtype=np.float64), wn), numpy_helper.from_array(np.asarray(b, dtype=np.float64), bn)]
        nodes += [helper.make_node("MatMul", [x, wn], [f"{prefix}_mm{i}"]), helper.make_node("Add", [f"{prefix}_mm{i}", bn], [f"{prefix}_z{i}"])]
        x = f"{prefix}_z{i}"
        if i < len(model.coefs_) - 1 and act:
            nodes.append(helper.make_node(act, [x], [f"{prefix}_a{i}"]))
            x = f"{prefix}_a{i}"
    return nodes, inits, x


def tensor_info(name, elem, cols):
    return helper.make_tensor_value_info(name, elem, ["N"] if cols is None else ["N", cols])


def make_model(nodes, inputs, outputs, initializers=(), metadata=None, name="ngsiflow"):
    graph = helper.make_graph(list(nodes), name, list(inputs), list(outputs), initializer=list(initializers))
    model = helper.make_model(graph, producer_name="ngsiflow-tools", opset_imports=[helper.make_opsetid("", CORE_OPSET), helper.make_opsetid(ML, ML_OPSET)])
    model.ir_version = 8
    for k, v in (metadata or {}).items():
        e = model.metadata_props.add()
        e.key, e.value = k, v
    return model


def check(model):
    """The full ONNX check (type and shape inference included) that every model written here must pass."""
    onnx.checker.check_model(model, full_check=True)


def save(model, path, checked=True):
    if checked:
        check(model)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
