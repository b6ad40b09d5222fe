#!/usr/bin/env python3
"""Closed-form Gaussian entropic OT (ALGORITHMS.md 6) for a batch of pairs, vectorised numpy (the
batched np.linalg.eigh), computing what BM_GaussianOtBatch computes: cost and cross-covariance.
Prints JSON with microseconds per pair. Run under taskset -c 0 with OMP_NUM_THREADS=1."""
import argparse
import json
import time

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--d", type=int, default=2)
p.add_argument("--pairs", type=int, default=4096)
p.add_argument("--repeats", type=int, default=5)
args = p.parse_args()
rng = np.random.default_rng(7)
n, d, s = args.pairs, args.d, 0.5


def spd():
    L = rng.normal(size=(n, d, d)) / np.sqrt(d)
    return L @ L.transpose(0, 2, 1) + 0.5 * np.eye(d)


A, B = spd(), spd()
ma, mb = rng.normal(size=(n, d)), rng.normal(size=(n, d))


def closed_form():
    la, U = np.linalg.eigh(A)
    sq = np.sqrt(np.maximum(la, 0))
    ah = (U * sq[:, None, :]) @ U.transpose(0, 2, 1)
    amh = (U / sq[:, None, :]) @ U.transpose(0, 2, 1)
    lm, V = np.linalg.eigh(4 * ah @ B @ ah)
    ld = np.sqrt(np.maximum(lm, 0) + s**4)
    D = (V * ld[:, None, :]) @ V.transpose(0, 2, 1)
    cost = (np.sum((ma - mb) ** 2, 1) + np.trace(A, axis1=1, axis2=2) + np.trace(B, axis1=1, axis2=2) - ld.sum(1)
            + d * s**2 * (1 - np.log(2 * s**2)) + s**2 * np.log(ld + s**2).sum(1))
    C = 0.5 * ah @ D @ amh - 0.5 * s**2 * np.eye(d)
    return cost, C


times = []
for _ in range(args.repeats):
    t0 = time.perf_counter()
    closed_form()
    times.append(time.perf_counter() - t0)
print(json.dumps({"d": d, "us_per_pair": 1e6 * float(np.median(times)) / n}))
