# Exact W2 between two equally weighted .npy point sets of the same size (Hungarian assignment,
# scipy.optimize.linear_sum_assignment on squared Euclidean costs); prints the number.
# With a third file (normalised weights of a's points, n x 1) a is first systematically resampled.
# Usage: python3 bench/w2_exact.py a.npy b.npy [a_weights.npy]
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

x, y = (np.load(f).astype(np.float64) for f in sys.argv[1:3])
if len(sys.argv) > 3:
    w = np.load(sys.argv[3]).astype(np.float64).ravel()
    u = (np.arange(len(x)) + 0.5) / len(x)
    x = x[np.minimum(np.searchsorted(np.cumsum(w / w.sum()), u), len(x) - 1)]
n = min(len(x), len(y))
c = cdist(x[:n], y[:n], "sqeuclidean")
r, k = linear_sum_assignment(c)
print("%.4f" % np.sqrt(c[r, k].mean()))
