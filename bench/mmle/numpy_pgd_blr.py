"""PGD on the Wisconsin logistic regression in numpy: the peer of `dmt fit --algorithm pgd` (bench/mmle/compare_pgd.sh).

Two implementations, both timed over the same K steps of N particles (one thread: OPENBLAS_NUM_THREADS=1):
  parem    ParEM's own `pgd`, `grad_x` and `ave_grad_th`, executed from the notebook of the fetched
           repository (jax/bayesian_logistic_regression.ipynb; `autograd.numpy` replaced by numpy, which
           is all those functions use). It appends every cloud to the history X, as the notebook does.
  lean     the same update vectorised without the history (preallocated arrays, in-place updates):
           what a careful numpy user would write; --dtype float32 runs it in single precision (the
           peer of dmt's precision=float32).
Prints JSON: wall times and particle-steps per second.
"""
import argparse, json, os, sys, time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np


def load_data(path):
    rows = np.loadtxt(path, delimiter=",", skiprows=1)
    f = rows[:, :9]
    f = (f - f.mean(0)) / f.std(0)
    train = rows[:, 10] == 0
    return f[train], rows[train, 9:10]


def parem_functions(notebook):
    nb = json.load(open(notebook))
    src = "".join("".join(c["source"]) + "\n" for c in nb["cells"] if c["cell_type"] == "code" and "def pgd(" in "".join(c["source"]))
    src = src.replace("import autograd.numpy as np", "import numpy as np")
    scope = {"np": np}
    exec(compile(src, notebook, "exec"), scope)
    return scope["pgd"]


def lean_pgd(l, f, h, K, N, th, rng, dtype):
    D = f.shape[1]
    f, lt = f.astype(dtype), l.astype(dtype)  # lt: (M, 1)
    X = np.zeros((D, N), dtype=dtype)
    h, th, sd = dtype(h), dtype(th), dtype(np.sqrt(2 * h))
    for k in range(K):
        s = 1.0 / (1.0 + np.exp(-(f @ X)))            # (M, N)
        gx = f.T @ (lt - s) - (X - th) / dtype(5.0)   # (D, N)
        g_th = (X - th).sum(0).mean() / dtype(5.0)
        X += h * gx + sd * rng.standard_normal((D, N), dtype=dtype)
        th = th + h * g_th
    return th, X


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--notebook", help="ParEM's jax/bayesian_logistic_regression.ipynb (fetched)")
    p.add_argument("--particles", type=int, default=100)
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--which", choices=["parem", "lean"], default="lean")
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64", help="lean only")
    a = p.parse_args()
    f, l = load_data(a.data)
    h = 1e-2
    np.random.seed(1)
    t0 = time.perf_counter()
    if a.which == "parem":
        pgd = parem_functions(a.notebook)
        th, X = pgd(l, f, h, a.steps, a.particles, np.array([[0.0]]), np.zeros((9, a.particles)))
        theta = float(th[-1])
    else:
        theta, X = lean_pgd(l, f, h, a.steps, a.particles, 0.0, np.random.default_rng(1), getattr(np, a.dtype))
    wall = time.perf_counter() - t0
    print(json.dumps({"which": a.which, "dtype": a.dtype if a.which == "lean" else "float64", "particles": a.particles, "steps": a.steps, "wall_time_s": wall,
                      "particle_steps_per_s": a.particles * a.steps / wall, "theta_final": float(theta)}))


if __name__ == "__main__":
    main()
