#!/usr/bin/python3
"""rf_sklearn.py - scikit-learn's numbers for test_rf.c's reference test.

Prints a C fragment (the dataset, query points and, per forest, each tree's
node count, root split and predictions) that tests/test_rf.c stores between
its "sklearn reference" markers. Regenerate with

    apt-get install python3-sklearn       # Debian bookworm: scikit-learn 1.2.1
    /usr/bin/python3 tests/ref/rf_sklearn.py > /tmp/fragment.c

and paste /tmp/fragment.c over the old fragment.

How the forests are made comparable. Our forest (src/lib/rf.h) grows
sklearn's CART trees, but draws its bootstrap from its own random stream:
tree t's sample i has weight w_i = the number of times i is drawn in n
calls rng_range(0, n - 1) on the stream rng_init(seed, t). sklearn's
RandomForestRegressor does the same with numpy's stream: in
_parallel_build_trees it fits each tree with sample_weight =
np.bincount(randint(0, n, n), minlength=n) (check_forest_semantics below
confirms that on this data). So we rebuild our weights bit for bit
(class Rng, a copy of src/lib/rng.c) and fit sklearn's DecisionTreeRegressor
with them: with max_features = None every node scores every feature, and
the trees must equal ours wherever the best split is unique.

Where it is not (in a 2-sample node every feature separates the pair, in
other small nodes two features often make the same partition, and the two
implementations visit features in different random orders), the
trees may differ in the split chosen but not in the partition of the
node's samples, so node counts and the paths of the samples a tree was
grown on agree. analyse() recomputes every node's best split exactly
(fractions) to find those ties, checks that sklearn's choice is optimal and
that no different partition comes within a relative 1e-12 of the best
(where rounding could reorder them); a tree's prediction for a query whose
side of a tied node depends on which tied split is taken is printed as NAN
(left out).

The data make the arithmetic exact in both implementations: X = k/64
(exact in float32, which sklearn casts X to; distinct within each feature,
so midpoint thresholds are multiples of 1/128), y = multiples of 2^-20
(integer weights times y sum exactly in doubles), and the fresh query
points' coordinates are odd multiples of 1/256, never on a threshold.
"""

from fractions import Fraction

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestRegressor
from sklearn.ensemble._forest import _generate_sample_indices
from sklearn.tree import DecisionTreeRegressor

M64 = (1 << 64) - 1

N, D = 50, 4               # training rows, features
N_FRESH = 24               # query points besides the training rows
SEED = 7                   # our forest's seed (rf_params.seed)
# (bootstrap, max_depth (0 = unlimited), n_trees) per forest
FORESTS = [(1, 4, 5), (0, 0, 1)]


class Rng:
    """src/lib/rng.c: xoshiro256** seeded through splitmix64."""

    def __init__(self, seed, stream):
        x = (seed ^ (stream * 0xD1B54A32D192ED03)) & M64
        self.s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M64
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
            self.s.append(z ^ (z >> 31))

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & M64

    def next(self):
        s = self.s
        result = (self._rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def range(self, lo, hi):
        """Uniform in [lo, hi], rejecting the top partial bucket."""
        span = (hi - lo + 1) & M64
        if span == 0:
            return self.next()
        limit = M64 - M64 % span
        while True:
            x = self.next()
            if x < limit:
                return lo + x % span


def bootstrap_weights(seed, t, n):
    """rf.c grow_tree(): tree t's bootstrap counts."""
    rng = Rng(seed, t)
    w = np.zeros(n)
    for _ in range(n):
        w[rng.range(0, n - 1)] += 1.0
    return w


def check_rng():
    """Against src/lib/rng.c: what a C program printed for rng_init(&r,
    UINT64_MAX, 12345), three rng_next(&r), three rng_range(&r, 0,
    2^62 + 12345) (rejection at work), and grow_tree's draws for seed 7,
    tree 0, n 50."""
    r = Rng(M64, 12345)
    assert [r.next() for _ in range(3)] == [
        10566846976197527121, 13757035220230839977, 17135779976807325180]
    assert [r.range(0, (1 << 62) + 12345) for _ in range(3)] == [
        725939117412387471, 2226454817463677725, 2026322321946895968]
    assert list(bootstrap_weights(7, 0, 50)[:10]) == [1, 2, 1, 1, 3, 2, 0, 1, 1, 0]


def make_data():
    """X (N, D): k/64, k distinct per feature; y: a smooth function plus
    noise, rounded to multiples of 2^-20; Q: fresh query points."""
    rs = np.random.RandomState(2024)
    X = np.stack([rs.choice(128, N, replace=False) for _ in range(D)], axis=1) / 64.0
    f = np.sin(2.5 * X[:, 0]) + X[:, 1] * X[:, 2] - 0.5 * X[:, 3] ** 2
    y = np.round((f + 0.2 * rs.standard_normal(N)) * 2.0**20) / 2.0**20
    assert len(set(y)) == N
    Q = (2 * rs.randint(0, 256, (N_FRESH, D)) + 1) / 256.0
    for A in (X, Q):
        assert np.array_equal(A.astype(np.float32).astype(np.float64), A)
    return X, y, Q


def fit_tree(X, y, w, max_depth, random_state=0):
    tree = DecisionTreeRegressor(criterion="squared_error", max_features=None,
                                 min_samples_split=2, min_samples_leaf=1,
                                 max_depth=max_depth or None, random_state=random_state)
    return tree.fit(X, y, sample_weight=w)


def check_forest_semantics(X, y):
    """RandomForestRegressor's tree i is DecisionTreeRegressor fitted with
    the bincount of its bootstrap draws as sample weights."""
    rf = RandomForestRegressor(n_estimators=5, max_features=None, max_depth=5,
                               bootstrap=True, random_state=3).fit(X, y)
    total = np.zeros(len(X))
    for est in rf.estimators_:
        w = np.bincount(_generate_sample_indices(est.random_state, len(X), len(X)),
                        minlength=len(X)).astype(float)
        mine = fit_tree(X, y, w, 5, random_state=est.random_state)
        for a in ("feature", "threshold", "value", "children_right"):
            assert np.array_equal(getattr(mine.tree_, a), getattr(est.tree_, a)), a
        total += est.predict(X)
    assert np.allclose(total / len(rf.estimators_), rf.predict(X), rtol=1e-14)


def analyse(tree, X, y, w, max_depth):
    """Walks sklearn's tree with exact arithmetic. Returns, per internal
    node, its samples and the optimal splits other than sklearn's; asserts
    sklearn's structure is CART's."""
    t = tree.tree_
    X32 = X.astype(np.float32).astype(np.float64)
    yq = [Fraction(v) for v in y]
    info = {}

    def proxy(left, right):
        wl, wr = sum(w[i] for i in left), sum(w[i] for i in right)
        sl = sum(int(w[i]) * yq[i] for i in left)
        sr = sum(int(w[i]) * yq[i] for i in right)
        return sl * sl / Fraction(wl) + sr * sr / Fraction(wr)

    def walk(node, samples, depth):
        W = sum(w[i] for i in samples)
        mean = sum(int(w[i]) * yq[i] for i in samples) / Fraction(W)
        pure = len({y[i] for i in samples}) == 1
        cands = []
        if not ((max_depth and depth >= max_depth) or len(samples) < 2 or pure):
            for f in range(X.shape[1]):
                vals = sorted({X32[i, f] for i in samples})
                for a, b in zip(vals, vals[1:]):
                    thr = a / 2.0 + b / 2.0
                    left = frozenset(i for i in samples if X32[i, f] <= thr)
                    cands.append((proxy(left, set(samples) - left), f, thr, left))
        if not cands:
            assert t.children_left[node] == -1, node
            assert abs(t.value[node][0][0] - mean) <= 1e-15 * abs(mean), node
            return
        best = max(c[0] for c in cands)
        f, thr = int(t.feature[node]), float(t.threshold[node])
        mine = [c for c in cands if c[1] == f and c[2] == thr]
        assert len(mine) == 1 and mine[0][0] == best, node
        left = mine[0][3]
        parts = {left, frozenset(samples) - left}
        for c in cands:
            if c[3] in parts:
                assert c[0] == best, node
            else:
                assert c[0] < best * (1 - 1e-12), node
        info[node] = (samples, [(c[1], c[2]) for c in cands
                                if c[0] == best and (c[1], c[2]) != (f, thr)])
        walk(t.children_left[node], sorted(left), depth + 1)
        walk(t.children_right[node], sorted(set(samples) - left), depth + 1)

    walk(0, [i for i in range(len(X)) if w[i] > 0], 0)
    assert not info.get(0, (None, []))[1], "tie at the root"
    return info


def robust(tree, info, X, q):
    """Whether q lands on the same samples' side at every tied node."""
    t = tree.tree_
    node = 0
    while t.children_left[node] != -1:
        samples, alts = info[node]
        f, thr = t.feature[node], t.threshold[node]

        def side(g, s):
            return frozenset(i for i in samples if (X[i, g] <= s) == (q[g] <= s))

        if any(side(g, s) != side(f, thr) for g, s in alts):
            return False
        node = t.children_left[node] if q[f] <= thr else t.children_right[node]
    return True


def c_num(v):
    return "NAN" if np.isnan(v) else repr(float(v))


def c_array(vals, per_line, indent="\t"):
    vals = [c_num(v) for v in vals]
    lines = [", ".join(vals[i:i + per_line]) for i in range(0, len(vals), per_line)]
    return ",\n".join(indent + line for line in lines)


def main():
    check_rng()
    X, y, Q = make_data()
    check_forest_semantics(X, y)
    queries = np.concatenate([Q, X])
    n_trees_max = max(f[2] for f in FORESTS)
    out = print

    out("/* ---- sklearn reference: generated by tests/ref/rf_sklearn.py with")
    out(f" * scikit-learn {sklearn.__version__} (Debian python3-sklearn); to regenerate, run")
    out(" * `/usr/bin/python3 tests/ref/rf_sklearn.py` and paste its output over this")
    out(" * fragment, down to the end marker. The script says how the bootstrap")
    out(" * weights are rebuilt and why some predictions are NAN (left out). */")
    out(f"enum {{ SK_N = {N}, SK_D = {D}, SK_FRESH = {N_FRESH}, SK_Q = SK_FRESH + SK_N, "
        f"SK_T = {n_trees_max} }};")
    out(f"static const uint64_t sk_seed = {SEED};")
    out("/* X is (SK_N, SK_D), row-major: k/64 */")
    out("static const double sk_X[SK_N * SK_D] = {")
    out(c_array(X.ravel(), D))
    out("};")
    out("static const double sk_y[SK_N] = {")
    out(c_array(y, 3))
    out("};")
    out("/* query j < SK_FRESH is sk_fresh + j * SK_D (odd multiples of 1/256);")
    out(" * query SK_FRESH + i is training row i */")
    out("static const double sk_fresh[SK_FRESH * SK_D] = {")
    out(c_array(Q.ravel(), D))
    out("};")
    out("struct sk_forest {")
    out("\tint bootstrap, max_depth, n_trees;\t/* max_depth 0: unlimited */")
    out("\tint node_count[SK_T], root_feature[SK_T];")
    out("\tdouble root_threshold[SK_T];")
    out("\tdouble tree_pred[SK_T][SK_Q];\t/* NAN: a tied split decides the query's path */")
    out("\tdouble forest_pred[SK_Q];\t/* mean in tree order; NAN where a tree's is */")
    out("\tint n_pred;\t\t\t/* tree_pred entries that are not NAN */")
    out("};")
    out("static const struct sk_forest sk_forests[] = {")
    for bootstrap, max_depth, n_trees in FORESTS:
        trees, pred, n_ties = [], [], 0
        for t in range(n_trees):
            w = bootstrap_weights(SEED, t, N) if bootstrap else np.ones(N)
            tree = fit_tree(X, y, w, max_depth)
            info = analyse(tree, X, y, w, max_depth)
            n_ties += sum(1 for _, alts in info.values() if alts)
            keep = np.array([robust(tree, info, X, q) for q in queries])
            pred.append(np.where(keep, tree.predict(queries), np.nan))
            trees.append(tree)
        pred = np.array(pred)
        mean = [sum(pred[:, j]) / n_trees for j in range(len(queries))]  # tree order, as rf.c
        n_pred = int(np.sum(~np.isnan(pred)))
        out(f"\t/* bootstrap {bootstrap}, max_depth {max_depth}: {n_ties} tied nodes, "
            f"{n_pred} of {n_trees * len(queries)} tree predictions kept */")
        out(f"\t{{ {bootstrap}, {max_depth}, {n_trees},")
        out("\t  { " + ", ".join(str(tr.tree_.node_count) for tr in trees) + " },")
        out("\t  { " + ", ".join(str(tr.tree_.feature[0]) for tr in trees) + " },")
        out("\t  { " + ", ".join(c_num(tr.tree_.threshold[0]) for tr in trees) + " },")
        out("\t  {")
        for t in range(n_trees):
            out("\t\t{")
            out(c_array(pred[t], 3, "\t\t\t"))
            out("\t\t},")
        out("\t  },")
        out("\t  {")
        out(c_array(mean, 3, "\t\t"))
        out(f"\t  }}, {n_pred} }},")
    out("};")
    out("/* ---- end of the sklearn reference */")


if __name__ == "__main__":
    main()
