#!/usr/bin/env python3
"""Writes the configs of Sendera et al. (arXiv 2402.05098) Table 1's rows for dmt train:
TB, TB+Expl, VarGrad+Expl, TB+Expl+LS, TB+Expl+LP, PIS on gmm25, funnel and manywell, with the paper's
shared hyperparameters (batch 300, T = 100, Adam lr 1e-3 / log Z 1e-1, 25 000 iterations, 10 000 with
the Langevin parametrisation; exploration std 0.2 decaying linearly to 0 over 5000 iterations as
gfn-diffusion's --exploration_wd, 0.1 for TB+Expl+LS; rank-prioritised buffer with local search every
100 iterations, 200 MALA steps of which 100 adapt the step, from 0.1, toward acceptance 0.574, every
proposal accepted after the burn-in kept, as gfn-diffusion's langevin_dynamics — the
hyperparameters of gfn-diffusion's README commands). Evaluation on 2000 samples.

Usage: make_configs.py OUTDIR [--iterations N] [--seed S]"""
import argparse
import json
import os

TARGETS = {"gmm25": {"sigma2": 5.0}, "funnel": {"sigma2": 1.0}, "manywell": {"sigma2": 1.0}}
EXPL = {"exploration": 0.2, "exploration_iterations": 5000}
ROWS = {
    "tb": {"losses": ["tb"]},
    "tb_expl": {"losses": ["tb"], **EXPL},
    "vargrad_expl": {"losses": ["vargrad"], **EXPL},
    # gfn-diffusion's README command for TB + Expl. + LS: exploration factor 0.1, ld_step 0.1
    "tb_expl_ls": {"losses": ["tb"], "exploration": 0.1, "exploration_iterations": 5000,
                   "buffer": {"capacity": 600000, "priority": "rank"}, "both_ways": 1,
                   "local_search": {"every": 100, "steps": 200, "burn_in": 100, "step_size": 0.1,
                                    "target_accept": 0.574, "keep": "accepted"}},
    "tb_expl_lp": {"losses": ["tb"], **EXPL, "lp": True},
    "pis": {"losses": ["pis"]},
}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("--iterations", type=int, default=25000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    for target, t in TARGETS.items():
        for row, r in ROWS.items():
            r = dict(r)
            lp = r.pop("lp", False)
            iterations = min(a.iterations, 10000) if lp else a.iterations
            c = {"target": target, "sigma2": t["sigma2"], "steps": 100, "grid": "uniform", "batch": 300,
                 "iterations": iterations, "lr": 0.001, "lr_log_z": 0.1, "seed": a.seed,
                 "network": {"hidden": 64, "harmonics": 64, "layers": 2, "activation": "gelu", "langevin": int(lp)},
                 "eval_every": iterations, "eval_samples": 2000, "checkpoint_every": iterations, **r}
            with open(os.path.join(a.outdir, f"{target}_{row}.json"), "w") as f:
                json.dump(c, f, indent=1)


if __name__ == "__main__":
    main()
