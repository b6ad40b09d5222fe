# The first-order bias of MultCDiff's reverse step (core/src/samplers/linear_forward_process.cpp) on a
# 1-D Gaussian target N(0, 2) with the OU forward process, T = 5, t_min = 1e-3, the quadratic grid,
# when the posterior mean E[x0 | x] is exact (infinitely many, fully relaxed chains): the variance
# recursion of the linear scheme x <- Phi x + psi B y^(x) + L xi with Sigma, m at the step's midpoint
# and y^ at its start, written out here from the formulas (numpy only).
# Run: python3 tests/reference/multcdiff_recursion.py
# Output (2026-11-23): 50 1.7673, 100 1.8726, 200 1.9323, 400 1.9644, 1000 1.9843, 4000 1.9946
import numpy as np


def final_variance(levels, s2=2.0, T=5.0, tmin=1e-3):
    ts = [tmin + (T - tmin) * (1 - k / levels) ** 2 for k in range(levels + 1)]
    lam = lambda t: np.exp(-2 * t)
    v = 1 - lam(T)  # particles start from N(0, Sigma(T))
    for k in range(levels):
        t0, t1 = ts[k], ts[k + 1]
        h, tm = t0 - t1, 0.5 * (t0 + t1)
        S, m = 1 - lam(tm), np.sqrt(lam(tm))
        A, B = 1 - 2 / S, 2 / S * m  # reverse drift A x + B y^ (-F = 1, G G^T = 2)
        phi = np.exp(A * h)
        psi = (phi - 1) / A
        Q = 2 * (np.exp(2 * A * h) - 1) / (2 * A)
        m0, S0 = np.sqrt(lam(t0)), 1 - lam(t0)
        k0 = m0 * s2 / (m0**2 * s2 + S0)  # y^ = k0 x, the exact posterior mean
        v = (phi + psi * B * k0) ** 2 * v + Q
    return v


if __name__ == "__main__":
    print(", ".join("%d %.4f" % (n, final_variance(n)) for n in (50, 100, 200, 400, 1000, 4000)))
