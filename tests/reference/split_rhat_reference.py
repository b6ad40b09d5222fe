#!/usr/bin/python3
"""Reference values for tests/unit/split_rhat_test.cpp: rank-normalised split R-hat transcribed from the
R code in Vehtari et al. (2021), "Rank-normalization, folding, and localization: an improved R-hat",
appendix (functions split_chains, z_scale, rhat, rhat_basic), with numpy and the standard library's
NormalDist (no dmt code). Run: /usr/bin/python3 tests/reference/split_rhat_reference.py"""
import math
from statistics import NormalDist
import numpy as np

def rankdata_average(x):
    order = np.argsort(x, kind="stable")
    ranks = np.empty(len(x))
    xs = x[order]
    i = 0
    while i < len(x):
        j = i
        while j + 1 < len(x) and xs[j + 1] == xs[i]:
            j += 1
        ranks[order[i:j + 1]] = 0.5 * (i + j) + 1
        i = j + 1
    return ranks

def z_scale(x):  # x: draws x chains
    s = x.size
    r = rankdata_average(x.ravel(order="F")).reshape(x.shape, order="F")
    nd = NormalDist()
    return np.vectorize(lambda v: nd.inv_cdf((v - 3 / 8) / (s - 2 * 3 / 8 + 1)))(r)

def split_chains(x):
    n = x.shape[0]
    half = n // 2
    return np.concatenate([x[:half], x[n - half:]], axis=1)

def rhat_basic(x):
    n = x.shape[0]
    chain_mean = x.mean(axis=0)
    chain_var = x.var(axis=0, ddof=1)
    var_between = n * chain_mean.var(ddof=1)
    var_within = chain_var.mean()
    return math.sqrt(((n - 1) / n * var_within + var_between / n) / var_within)

def rhat(x):
    x = split_chains(x)
    bulk = rhat_basic(z_scale(x))
    folded = np.abs(x - np.median(x))
    tail = rhat_basic(z_scale(folded))
    return max(bulk, tail)

# the deterministic traces of the C++ test (steps x chains)
def trace_a(n, m):
    t, c = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
    return (np.sin(1.3 * t + c) + 0.1 * c).astype(np.float32).astype(np.float64)

def trace_b(n, m):  # a slow drift in every chain, chain scales differ
    t, c = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
    return (np.cos(0.7 * t * (c + 1)) * (1 + 0.5 * c) + 0.002 * t).astype(np.float32).astype(np.float64)

def trace_c(n, m):  # ties: values rounded to a coarse grid
    t, c = np.meshgrid(np.arange(n), np.arange(m), indexing="ij")
    return np.round(np.sin(2.1 * t + 3 * c) * 2).astype(np.float32).astype(np.float64)

for name, f, n, m in [("a", trace_a, 101, 4), ("b", trace_b, 64, 6), ("c", trace_c, 40, 3)]:
    print(name, n, m, repr(rhat(f(n, m))))
