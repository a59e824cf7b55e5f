#!/usr/bin/python3
# lever2.py - issue 11's lever 2 beyond channel alignment, measured before
# building it: do work per thread, the working set, or the implementation
# oneDNN picks add to the channel-alignment features? (README "Hardware
# features beyond channel alignment")
#   /usr/bin/python3 scripts/lever2.py [ENV [DATASETS [IMPLDIR]]]
#                                       (static datasets/paper)
# Fits scikit-learn's HistGradientBoostingRegressor (600 iterations, lr
# 0.05, depth 6, min 5 rows a leaf, log latency; models.ini's gbt) on each
# module's training split with four feature sets and prints the test P20:
#   ca       the dataset's features and the channel-alignment ones (gbt-ca)
#   ca+hw    ... and output map side, work units N*ceil(C/8)*Ho, units per
#            thread, thread balance, working set (bytes in + weights + out)
#   ca+impl  ... and oneDNN's implementation (a category), read from
#            IMPLDIR/MODULE.impl, one line per row as bench/onednn_impl prints
#   all      the three together
# Needs python3-sklearn and python3-h5py; without IMPLDIR the impl columns
# are skipped. Reference only: nothing in the pipeline runs it.
import os, sys
import h5py, numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor as HGB

env = sys.argv[1] if len(sys.argv) > 1 else "static"
base = sys.argv[2] if len(sys.argv) > 2 else "datasets/paper"
impldir = sys.argv[3] if len(sys.argv) > 3 else None
mods = "conv conv-relu conv-bn conv-bn-relu bn bn-relu linear maxpool avgpool".split()


def chan(c):  # chanfeat.c: ceil8, ceil16, div8, div16, pow2
    c = np.maximum(c.astype(np.int64), 1)
    return [(c + 7) // 8 * 8, (c + 15) // 16 * 16, (c % 8 == 0) * 1.0, (c % 16 == 0) * 1.0, (c & -c) * 1.0]


def p20(y, p):
    return np.mean(np.abs(p / y - 1) <= 0.2)


sets = ["ca", "ca+hw"] + (["ca+impl", "all"] if impldir else [])
print("%-13s" % "module", " ".join("%8s" % s for s in sets))
res = []
for m in mods:
    f = h5py.File(f"{base}/{env}/{m}.h5", "r")
    names = [n.decode() if isinstance(n, bytes) else n for n in f["feature_names"][:]]
    X, y, split = f["features"][:], f["latency_ms"][:], f["split"][:]
    threads = int(f.attrs["threads"])
    col = {n: X[:, i] for i, n in enumerate(names)}
    ca = np.hstack([X] + [np.array(chan(col[b])).T for b in ("cin", "cout") if b in col])
    n, c = col["batch"], col.get("cout", col["cin"])
    out = col.get("out_size", col["data_size"])
    ho = np.ones_like(n) if m == "linear" else np.sqrt(np.maximum(out / (n * c), 1))
    units = n * np.ceil(c / 8) * ho
    per = np.ceil(units / threads)
    ws = 4 * (col["data_size"] + col.get("param_count", 0) + out)
    hw = np.array([ho, units, per, units / (threads * per), ws]).T
    feats = {"ca": (ca, None), "ca+hw": (np.hstack([ca, hw]), None)}
    if impldir:
        impl = [l.strip() for l in open(os.path.join(impldir, f"{m}.impl"))]
        kinds = sorted(set(impl))
        code = np.array([kinds.index(v) for v in impl], float)[:, None]
        feats["ca+impl"] = (np.hstack([ca, code]), [ca.shape[1]])
        feats["all"] = (np.hstack([ca, hw, code]), [ca.shape[1] + hw.shape[1]])
    tr, te = split == 0, split == 2
    r = []
    for s in sets:
        Xs, cat = feats[s]
        g = HGB(max_iter=600, learning_rate=0.05, max_depth=6, min_samples_leaf=5,
                early_stopping=False, random_state=0, categorical_features=cat)
        g.fit(Xs[tr], np.log(y[tr]))
        r.append(p20(y[te], np.exp(g.predict(Xs[te]))))
    res.append(r)
    print("%-13s" % m, " ".join("%8.3f" % v for v in r), flush=True)
print("%-13s" % "mean", " ".join("%8.3f" % v for v in np.mean(res, axis=0)))
