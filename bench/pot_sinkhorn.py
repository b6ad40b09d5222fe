#!/usr/bin/env python3
"""POT's Sinkhorn, timed per iteration the way bench_sinkhorn.cpp times dmt's: the difference of a
(k+1)- and a 1-iteration run over k. --method log: ot.bregman.sinkhorn_log (the log domain);
stabilized: ot.bregman.sinkhorn_stabilized (Schmitzer's absorption on a stored kernel, the
algorithm of dmt's small-problem path). Prints JSON. One thread: run it under taskset -c 0 with
OMP_NUM_THREADS=1 (bench/compare_ot.sh does)."""
import argparse
import json
import time

import numpy as np
import ot

p = argparse.ArgumentParser()
p.add_argument("--n", type=int, default=1000)
p.add_argument("--d", type=int, default=3)
p.add_argument("--iterations", type=int, default=5)
p.add_argument("--reg", type=float, default=0.05)
p.add_argument("--method", choices=["log", "stabilized"], default="log")
args = p.parse_args()
rng = np.random.default_rng(1)
x = rng.normal(size=(args.n, args.d))
y = rng.normal(size=(args.n, args.d)) + 0.5
a = np.full(args.n, 1.0 / args.n)


M = ot.dist(x, y, metric="sqeuclidean")


def run(k):
    t0 = time.perf_counter()
    if args.method == "log":
        ot.bregman.sinkhorn_log(a, a, M, args.reg, numItermax=k, stopThr=0.0, warn=False)
    else:
        ot.bregman.sinkhorn_stabilized(a, a, M, args.reg, numItermax=k, stopThr=0.0, warn=False)
    return time.perf_counter() - t0


run(1)  # warm-up: the first call pays for allocating and faulting in the N x M temporaries
t1 = run(1)
tk = run(args.iterations + 1)
print(json.dumps({"n": args.n, "d": args.d, "method": args.method, "ms_per_iteration": 1000 * (tk - t1) / args.iterations,
                  "pot": ot.__version__}))
