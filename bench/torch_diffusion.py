#!/usr/bin/env python3
"""The PyTorch side of bench/compare_diffusion.sh: TB training of the gfn-diffusion policy on gmm25
with the same network, loss and trajectory arithmetic as dmt (and as the public reference,
github.com/GFNOrg/gfn-diffusion: PIS time encoding, zero-initialised joint output, Euler-Maruyama
forward policy, Brownian-bridge backward kernel, TB with a learned log Z, Adam lr 1e-3 / 1e-1).
Prints JSON: ms per iteration (median over timed iterations) and peak resident memory."""
import argparse, json, math, resource, time

import torch
import torch.nn as nn


class TimeEncoding(nn.Module):
    def __init__(self, harmonics, hidden):
        super().__init__()
        self.phase = nn.Parameter(torch.randn(harmonics)[None])
        self.register_buffer("pe", torch.linspace(0.1, 100, harmonics)[None])
        self.t_model = nn.Sequential(nn.Linear(2 * harmonics, hidden), nn.GELU(), nn.Linear(hidden, hidden))

    def forward(self, t):
        a = t * self.pe + self.phase
        return self.t_model(torch.cat([a.sin(), a.cos()], dim=-1))


class Policy(nn.Module):
    def __init__(self, dim, hidden, harmonics, layers):
        super().__init__()
        self.t_model = TimeEncoding(harmonics, hidden)
        self.s_model = nn.Linear(dim, hidden)
        mods = [nn.GELU()]
        for _ in range(layers):
            mods += [nn.Linear(hidden, hidden), nn.GELU()]
        mods.append(nn.Linear(hidden, dim))
        self.joint = nn.Sequential(*mods)
        self.joint[-1].weight.data.zero_()
        self.joint[-1].bias.data.zero_()

    def forward(self, x, t):
        return self.joint(self.s_model(x) + self.t_model(t))


def gmm25_log_density(x):
    grid = torch.tensor([-10.0, -5.0, 0.0, 5.0, 10.0])
    means = torch.stack(torch.meshgrid(grid, grid, indexing="ij"), -1).reshape(-1, 2)
    d2 = ((x[:, None, :] - means[None]) ** 2).sum(-1)
    return torch.logsumexp(-0.5 * d2 - math.log(2 * math.pi), dim=1) - math.log(25)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=300)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    dim, sigma2, T = 2, 5.0, a.steps
    dt = 1.0 / T
    policy = Policy(dim, a.hidden, 64, 2)
    log_z = nn.Parameter(torch.zeros(()))
    opt = torch.optim.Adam([{"params": policy.parameters(), "lr": 1e-3}, {"params": [log_z], "lr": 1e-1}])
    log2pi = math.log(2 * math.pi)
    times = []
    for it in range(a.warmup + a.iterations):
        t0 = time.perf_counter()
        x = torch.zeros(a.batch, dim)
        log_pf = torch.zeros(a.batch)
        log_pb = torch.zeros(a.batch)
        for k in range(T):
            t = torch.full((a.batch, 1), k * dt)
            u = policy(x, t)
            var = sigma2 * dt
            x_new = (x + u.detach() * dt + math.sqrt(var) * torch.randn_like(x)).detach()
            noise = (x_new - x - u * dt) / math.sqrt(var)
            log_pf = log_pf - 0.5 * (noise ** 2 + log2pi + math.log(var)).sum(1)
            if k > 0:
                ratio = k / (k + 1)
                bvar = ratio * sigma2 * dt
                log_pb = log_pb - 0.5 * ((x - ratio * x_new) ** 2 / bvar + log2pi + math.log(bvar)).sum(1)
            x = x_new
        log_r = gmm25_log_density(x)
        loss = 0.5 * ((log_z + log_pf - log_pb - log_r) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it >= a.warmup:
            times.append(time.perf_counter() - t0)
    times.sort()
    print(json.dumps({"ms_per_iteration": 1e3 * times[len(times) // 2], "iterations": len(times),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
                      "threads": a.threads, "batch": a.batch, "steps": T, "hidden": a.hidden}))


if __name__ == "__main__":
    main()
