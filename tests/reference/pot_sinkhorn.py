#!/usr/bin/env python3
"""Reference values from POT (Debian python3-pot 0.8.2) for tests/unit/sinkhorn_pot_test.cpp.

Run:  /usr/bin/python3 tests/reference/pot_sinkhorn.py > tests/reference/pot_sinkhorn.json
The inputs are generated here with a fixed seed and written into the JSON beside POT's outputs, so
the C++ test reads both and never recomputes the reference.
"""
import json

import numpy as np
import ot
import scipy.linalg

rng = np.random.default_rng(20261122)
cases = []
for name, n, m, d, reg, weighted in [("uniform_2d", 7, 5, 2, 0.5, False), ("weighted_3d", 9, 11, 3, 0.1, True),
                                     ("small_reg_1d", 12, 10, 1, 0.02, True)]:
    x = rng.normal(size=(n, d))
    y = rng.normal(size=(m, d)) * 0.7 + 0.8
    if weighted:
        a = rng.uniform(0.2, 1.0, size=n)
        b = rng.uniform(0.2, 1.0, size=m)
        a /= a.sum()
        b /= b.sum()
    else:
        a = np.full(n, 1.0 / n)
        b = np.full(m, 1.0 / m)
    M = ot.dist(x, y, metric="sqeuclidean")
    P = ot.bregman.sinkhorn_log(a, b, M, reg, numItermax=100000, stopThr=1e-15)
    P2 = ot.sinkhorn(a, b, M, reg, numItermax=100000, stopThr=1e-15) if reg >= 0.1 else P
    lin = float(np.sum(P * M))
    # the entropic objective <P, M> + reg KL(P || a b^T)
    kl = float(np.sum(P * np.log(P / np.outer(a, b))) - P.sum() + 1.0)
    Ml1 = ot.dist(x, y, metric="cityblock")
    Pl1 = ot.bregman.sinkhorn_log(a, b, Ml1, reg, numItermax=100000, stopThr=1e-15)
    cases.append({
        "name": name, "reg": reg, "x": x.tolist(), "y": y.tolist(), "a": a.tolist(), "b": b.tolist(),
        "plan": P.tolist(), "plan_sinkhorn_knopp": P2.tolist(), "linear_cost": lin,
        "entropic_cost": lin + reg * kl,
        "sinkhorn2": float(ot.sinkhorn2(a, b, M, reg, method="sinkhorn_log", numItermax=100000, stopThr=1e-15)),
        "plan_l1": Pl1.tolist(),
    })

# ot.bregman.empirical_sinkhorn_divergence: <P_xy, M> - (<P_xx, M> + <P_yy, M>) / 2 (linear costs)
x = rng.normal(size=(20, 2))
y = rng.normal(size=(15, 2)) * 1.3 + 0.5
div = float(ot.bregman.empirical_sinkhorn_divergence(x, y, 0.5, numIterMax=100000, stopThr=1e-15))
# ot.da.OT_mapping_linear: the Monge (Bures) map between the Gaussians fitted to two samples
xs = rng.normal(size=(200, 3)) @ np.array([[1.0, 0.3, 0.0], [0.0, 0.8, 0.2], [0.1, 0.0, 1.2]])
xt = rng.normal(size=(150, 3)) @ np.array([[0.7, 0.0, 0.0], [0.4, 1.1, 0.0], [0.0, -0.3, 0.9]]) + 1.0
A, bvec = ot.da.OT_mapping_linear(xs, xt, reg=0.0, bias=True)
# the Bures-Wasserstein W2^2 between the same fitted Gaussians (POT 0.8.2 has no ot.gaussian; scipy's sqrtm)
ms, mt = xs.mean(0), xt.mean(0)
Cs = (xs - ms).T @ (xs - ms) / len(xs)
Ct = (xt - mt).T @ (xt - mt) / len(xt)
r = scipy.linalg.sqrtm(Cs)
bures = float(np.sum((ms - mt) ** 2) + np.trace(Cs) + np.trace(Ct) - 2 * np.trace(scipy.linalg.sqrtm(r @ Ct @ r)).real)
print(json.dumps({"pot_version": ot.__version__, "cases": cases,
                  "divergence": {"x": x.tolist(), "y": y.tolist(), "reg": 0.5, "value": div},
                  "linear_map": {"xs": xs.tolist(), "xt": xt.tolist(), "A": A.tolist(), "b": bvec.tolist(),
                                 "bures_w2_squared": bures}},
                 indent=1))
