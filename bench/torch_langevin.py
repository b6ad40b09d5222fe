"""The same ULA / MALA loops as dmt's samplers, written in vectorised PyTorch (the way research
code does it), on manywell-32 (or a d-dimensional standard Gaussian). Prints particle-steps/s.

Usage: /usr/bin/python3 bench/torch_langevin.py --sampler ula --particles 100000 --steps 50 --threads 1
"""
import argparse
import json
import math
import time

import torch


def manywell_log_r_and_grad(x):
    y, z = x[:, 0::2], x[:, 1::2]
    y2 = y * y
    log_r = -(y2 * y2 - 6 * y2 - 0.5 * y + 0.5 * z * z).sum(1)
    grad = torch.empty_like(x)
    grad[:, 0::2] = -(4 * y2 * y - 12 * y - 0.5)
    grad[:, 1::2] = -z
    return log_r, grad


def gaussian_log_r_and_grad(x):
    return -0.5 * (x * x).sum(1), -x


def run(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    f = manywell_log_r_and_grad if args.target == "manywell" else gaussian_log_r_and_grad
    d = 32 if args.target == "manywell" else args.dim
    x = torch.randn(args.particles, d)
    h = args.step_size
    s = math.sqrt(2 * h)
    log_r, grad = f(x)
    accepted = torch.zeros(args.particles)
    start = time.perf_counter()
    with torch.no_grad():
        for _ in range(args.steps):
            noise = torch.randn_like(x)
            if args.sampler == "ula":
                x = x + h * grad + s * noise
                log_r, grad = f(x)
            else:
                y = x + h * grad + s * noise
                log_r_y, grad_y = f(y)
                forward = 0.5 * (noise * noise).sum(1)
                backward = ((x - y - h * grad_y) ** 2).sum(1) / (4 * h)
                log_alpha = log_r_y - log_r - backward + forward
                accept = torch.rand(args.particles).log() < log_alpha
                x = torch.where(accept[:, None], y, x)
                grad = torch.where(accept[:, None], grad_y, grad)
                log_r = torch.where(accept, log_r_y, log_r)
                accepted += accept
    wall = time.perf_counter() - start
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "sampler": args.sampler, "target": args.target,
                      "dim": d, "particles": args.particles, "steps": args.steps, "threads": args.threads,
                      "wall_time_s": wall, "particle_steps_per_s": args.particles * args.steps / wall}))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--sampler", choices=["ula", "mala"], default="ula")
    p.add_argument("--target", choices=["manywell", "gaussian"], default="manywell")
    p.add_argument("--dim", type=int, default=2)
    p.add_argument("--particles", type=int, default=100000)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--step-size", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=1)
    run(p.parse_args())
