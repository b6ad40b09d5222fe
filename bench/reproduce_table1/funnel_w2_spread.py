#!/usr/bin/env python3
"""How much the funnel's W2 on 2000 points says: W2 (exact EMD on squared Euclidean costs, square root,
as gfn-diffusion's sample_metrics.wasserstein(power=2)) between PAIRS independent 2000-point exact
samples of the funnel (d = 10, v ~ N(0, 9), x_i | v ~ N(0, e^v)), and between each given samples.npy
and PAIRS fresh exact samples. Prints medians and 10 % / 90 % quantiles.

Usage: funnel_w2_spread.py [--pairs 40] [--seed 20261124] [SAMPLES.npy ...]   (numpy, POT)"""
import argparse

import numpy as np
import ot


def funnel(n, rng):
    v = rng.normal(0.0, 3.0, n)
    x = rng.normal(0.0, 1.0, (n, 9)) * np.exp(v / 2)[:, None]
    return np.hstack([v[:, None], x])


def w2(a, b):
    return float(np.sqrt(ot.emd2(ot.unif(len(a)), ot.unif(len(b)), ot.dist(a, b), numItermax=10**7)))


def summary(values):
    q10, q50, q90 = np.percentile(values, [10, 50, 90])
    return f"median {q50:.2f}, 10 % {q10:.2f}, 90 % {q90:.2f}, min {min(values):.2f}, max {max(values):.2f}"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("samples", nargs="*")
    p.add_argument("--pairs", type=int, default=40)
    p.add_argument("--seed", type=int, default=20261124)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    print(f"seed {a.seed}, {a.pairs} pairs, 2000 points each")
    exact = [w2(funnel(2000, rng), funnel(2000, rng)) for _ in range(a.pairs)]
    print(f"exact vs exact: {summary(exact)}")
    for path in a.samples:
        s = np.load(path).astype(np.float64)
        r = [w2(s, funnel(len(s), rng)) for _ in range(a.pairs)]
        print(f"{path} ({len(s)} points; v: mean {s[:, 0].mean():.2f}, sd {s[:, 0].std():.2f}) vs exact: {summary(r)}")


if __name__ == "__main__":
    main()
