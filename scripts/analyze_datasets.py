import h5py, numpy as np, sys
mods = "conv conv-relu conv-bn conv-bn-relu bn bn-relu linear maxpool avgpool".split()
base = sys.argv[1] if len(sys.argv) > 1 else "data/paper"
print("env module n overhead% waited% remeas% flagged% rep_n repP10 repP20 delay_p50 delay_p99 loops_med lat_med_ms")
for env in ["static", "dynamic"]:
    for m in mods:
        try: f = h5py.File(f"{base}/{env}/{m}.h5", "r")
        except Exception as e: continue
        a = f.attrs; l = f["latency_ms"][:]; rr = f["repeat_rows"][:]; rm = f["repeat_latency_ms"][:]
        e = np.abs(l[rr] - rm) / rm
        d = f["delay_during"][:]
        print(env, m, len(l), "%.1f" % (100 * (a["bench_total_s"] / a["bench_timed_s"] - 1)),
              "%.2f %.2f %.2f" % (100 * a["share_waited"], 100 * a["share_remeasured"], 100 * a["share_flagged"]),
              len(rr), "%.3f %.3f" % (np.mean(e <= 0.1), np.mean(e <= 0.2)),
              "%.4f %.4f" % (np.percentile(d, 50), np.percentile(d, 99)), int(np.median(f["run_loops"][:])),
              "%.3f" % np.median(l))
# which state explains the dynamic slowdown: same rows in both environments
print("\nmodule corr(log slowdown, util_before) corr(., util_during) corr(., load_during) median slowdown load on/off")
for m in mods:
    try:
        s = h5py.File(f"{base}/static/{m}.h5", "r"); d = h5py.File(f"{base}/dynamic/{m}.h5", "r")
    except Exception: continue
    names = [x.decode() if isinstance(x, bytes) else x for x in d["feature_names"][:]]
    ub = d["features"][:, names.index("util")]
    slow = np.log(d["latency_ms"][:] / s["latency_ms"][:])
    ud = d["util_during"][:]; ld = d["load_during"][:]
    c = lambda x: np.corrcoef(x, slow)[0, 1]
    on = ld > 0.5
    print(m, "%.3f %.3f %.3f" % (c(ub), c(ud), c(ld)), "%.3f" % np.exp(np.median(slow)),
          "%.3f/%.3f" % (np.exp(np.median(slow[on])) if on.any() else np.nan, np.exp(np.median(slow[~on])) if (~on).any() else np.nan))
