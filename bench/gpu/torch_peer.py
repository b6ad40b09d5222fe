"""The GPU peer of bench/gpu/gpu_bench.cpp: the same MALA loop (bench/torch_langevin.py's manywell-32,
vectorised PyTorch on CUDA, the way research code runs it) and the log-domain Sinkhorn half-step
f_i = -eps log sum_j b_j exp((g_j - |x_i - y_j|^2) / eps) as torch.logsumexp over row chunks of the
cost matrix (d = 3, eps = 0.05, uniform weights), and TB training of the gfn-diffusion policy on
manywell-32 (bench/torch_diffusion.py's network and loop). Prints the same rows as dmt_gpu_bench.

Usage: python3 bench/gpu/torch_peer.py [--quick] [--train-only]
"""
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from torch_langevin import manywell_log_r_and_grad  # noqa: E402
import torch_smc  # noqa: E402
from torch_diffusion import Policy  # noqa: E402


def manywell_log_r(x):
    y, z = x[:, 0::2], x[:, 1::2]
    return -(y ** 4 - 6 * y ** 2 - 0.5 * y + 0.5 * z ** 2).sum(1)


def train_rate(batch, hidden, iterations, steps=100, dim=32, sigma2=1.0):
    """TB training of gfn-diffusion's policy on manywell-32 (bench/torch_diffusion.py's loop on CUDA,
    fp32, TF32 off); returns iterations per second (median)."""
    torch.backends.cuda.matmul.allow_tf32 = False
    dev = torch.device("cuda")
    torch.manual_seed(0)
    policy = Policy(dim, hidden, 64, 2).to(dev)
    log_z = torch.nn.Parameter(torch.zeros((), device=dev))
    opt = torch.optim.Adam([{"params": policy.parameters(), "lr": 1e-3}, {"params": [log_z], "lr": 1e-1}])
    dt, log2pi = 1.0 / steps, math.log(2 * math.pi)
    times = []
    for it in range(2 + iterations):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        x = torch.zeros(batch, dim, device=dev)
        log_pf = torch.zeros(batch, device=dev)
        log_pb = torch.zeros(batch, device=dev)
        var = sigma2 * dt
        for k in range(steps):
            t = torch.full((batch, 1), k * dt, device=dev)
            u = policy(x, t)
            x_new = (x + u.detach() * dt + math.sqrt(var) * torch.randn_like(x)).detach()
            log_pf = log_pf - 0.5 * (((x_new - x - u * dt) ** 2) / var + log2pi + math.log(var)).sum(1)
            if k > 0:
                ratio = k / (k + 1)
                bvar = ratio * sigma2 * dt
                log_pb = log_pb - 0.5 * ((x - ratio * x_new) ** 2 / bvar + log2pi + math.log(bvar)).sum(1)
            x = x_new
        loss = 0.5 * ((log_z + log_pf - log_pb - manywell_log_r(x)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        torch.cuda.synchronize()
        if it >= 2:
            times.append(time.perf_counter() - t0)
    times.sort()
    return 1.0 / times[len(times) // 2]


def mala_rate(n, steps, h=0.01):
    x = torch.zeros(n, 32, device="cuda")
    log_r, grad = manywell_log_r_and_grad(x)
    s = math.sqrt(2 * h)

    def sweep(k):
        nonlocal x, log_r, grad
        for _ in range(k):
            noise = torch.randn_like(x)
            y = x + h * grad + s * noise
            log_r_y, grad_y = manywell_log_r_and_grad(y)
            forward = 0.5 * (noise * noise).sum(1)
            backward = ((x - y - h * grad_y) ** 2).sum(1) / (4 * h)
            accept = torch.rand(n, device="cuda").log() < log_r_y - log_r - backward + forward
            x = torch.where(accept[:, None], y, x)
            grad = torch.where(accept[:, None], grad_y, grad)
            log_r = torch.where(accept, log_r_y, log_r)

    with torch.no_grad():
        sweep(2)
        rates = []
        for _ in range(3):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            sweep(steps)
            torch.cuda.synchronize()
            rates.append(n * steps / (time.perf_counter() - t0))
    return sorted(rates)[1]


def sinkhorn_rate(n, eps=0.05, chunk=8192):
    gen = torch.Generator(device="cuda").manual_seed(3)
    x = torch.randn(n, 3, device="cuda", generator=gen)
    y = torch.randn(n, 3, device="cuda", generator=gen) + 1.0
    g = torch.zeros(n, device="cuda")
    log_b = torch.full((n,), -math.log(n), device="cuda")

    def half_step(p, q, h):
        out = torch.empty(p.shape[0], device="cuda")
        for r in range(0, p.shape[0], chunk):
            c = torch.cdist(p[r:r + chunk], q) ** 2
            out[r:r + chunk] = -eps * torch.logsumexp((h + eps * log_b - c) / eps, dim=1)
        return out

    with torch.no_grad():
        f = half_step(x, y, g)
        g = half_step(y, x, f)
        times = []
        for _ in range(3):
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            f = half_step(x, y, g)
            g = half_step(y, x, f)
            torch.cuda.synchronize()
            times.append(time.perf_counter() - t0)
    return 2.0 * n * n / sorted(times)[1]


def main():
    quick = "--quick" in sys.argv
    train_only = "--train-only" in sys.argv
    print(f"peer: PyTorch {torch.__version__} on {torch.cuda.get_device_name(0)}")
    for n in (1_000_000, 10_000_000):
        if (quick and n > 1_000_000) or train_only:
            break
        r = mala_rate(n, 50)
        print(f"{'torch MALA manywell-32, particle-steps/s':<44} {n:>14} {r:12.3e}", flush=True)
    for n in (100_000, 1_000_000):
        if (quick and n > 100_000) or train_only:
            break
        args = type("args", (), {"particles": n, "levels": 100, "threads": 1, "device": "cuda"})()
        torch_smc.run(args)  # prints its JSON line (wall time, particle-levels/s, log Z)
    for n in (100_000, 300_000):
        if (quick and n > 100_000) or train_only:
            break
        r = sinkhorn_rate(n)
        print(f"{'torch Sinkhorn d=3 pairs/s (whole iteration)':<44} {n:>14} {r:12.3e}", flush=True)
    for hidden in (64, 256):
        for batch in (300, 4096, 65536):
            if quick and batch > 4096:
                break
            try:
                r = train_rate(batch, hidden, 3 if batch >= 65536 else 10)
            except torch.cuda.OutOfMemoryError:
                torch.cuda.empty_cache()
                print(f"{'torch train manywell-32 T100 h' + str(hidden) + ', iterations/s':<44} {batch:>14}"
                      "  out of GPU memory (autograd keeps every step's activations)", flush=True)
                continue
            print(f"{'torch train manywell-32 T100 h' + str(hidden) + ', iterations/s':<44} {batch:>14} {r:12.3e}"
                  f"   {1e3 / r:.1f} ms/it", flush=True)


if __name__ == "__main__":
    main()
