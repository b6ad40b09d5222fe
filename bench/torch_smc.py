"""The SMC loop of dmt's `smc` sampler written in vectorised PyTorch (the way research code does
it): geometric path from N(0, I) to manywell-32, a linear schedule of `levels` temperatures,
reweighting, ESS, systematic resampling below ESS 0.5 N, one MALA move per temperature (step size
adapted toward 0.574 between temperatures, as in dmt). Prints wall time, particle-temperatures per
second and the log Z estimate (exact 164.6957).

Usage: /usr/bin/python3 bench/torch_smc.py --particles 100000 --levels 100 --threads 1 [--device cuda]
"""
import argparse
import json
import math
import time

import torch

from torch_langevin import manywell_log_r_and_grad as manywell  # the same manywell-32 as the Langevin peer


def run(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    n, d = args.particles, 32
    dev = torch.device(getattr(args, "device", "cpu"))
    log_norm = -0.5 * d * math.log(2 * math.pi)
    h = 0.1
    with torch.no_grad():
        start = time.perf_counter()
        x = torch.randn(n, d, device=dev)
        log_w = torch.full((n,), -math.log(n), dtype=torch.float64, device=dev)
        log_z = 0.0
        b = 0.0
        log_r, _ = manywell(x)
        for k in range(1, args.levels + 1):
            b_new = k / args.levels
            log_ref = log_norm - 0.5 * (x * x).sum(1)
            inc = (b_new - b) * (log_r - log_ref).double()
            a = log_w + inc
            lse = torch.logsumexp(a, 0)
            log_z += lse.item()
            log_w = a - lse
            b = b_new
            ess = 1.0 / torch.exp(2 * log_w).sum().item()
            if ess < 0.5 * n:  # systematic resampling
                u = (torch.rand(1).item() + torch.arange(n, dtype=torch.float64, device=dev)) / n
                idx = torch.searchsorted(torch.cumsum(torch.exp(log_w), 0), u).clamp(max=n - 1)
                x = x[idx]
                log_w = torch.full((n,), -math.log(n), dtype=torch.float64, device=dev)
            # one MALA step on pi_b = (1 - b) log N(0, I) + b log R
            def tempered(v):
                lr, g = manywell(v)
                return (1 - b) * (log_norm - 0.5 * (v * v).sum(1)) + b * lr, (1 - b) * (-v) + b * g
            lt, g = tempered(x)
            noise = torch.randn_like(x)
            y = x + h * g + math.sqrt(2 * h) * noise
            lt_y, g_y = tempered(y)
            log_alpha = lt_y - lt - ((x - y - h * g_y) ** 2).sum(1) / (4 * h) + 0.5 * (noise * noise).sum(1)
            accept = torch.rand(n, device=dev).log() < log_alpha
            x = torch.where(accept[:, None], y, x)
            acc = accept.double().mean().item()
            h *= math.exp(max(-0.7, min(0.7, 2 * (acc - 0.574))))
            log_r, _ = manywell(x)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        wall = time.perf_counter() - start
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "device": str(dev), "particles": n, "levels": args.levels,
                      "threads": args.threads, "wall_time_s": wall, "particle_levels_per_s": n * args.levels / wall,
                      "log_z": log_z}))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--particles", type=int, default=100000)
    p.add_argument("--levels", type=int, default=100)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--device", default="cpu")
    run(p.parse_args())
