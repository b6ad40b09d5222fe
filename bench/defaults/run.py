#!/usr/bin/env python3
"""Every sampler x every registry target with the sampler's defaults: `dmt sample --target T --sampler S
--particles P --seed 1` (steps: dmt sample's default, 2000), one run each. Prints a markdown table (log Z
error or sliced W2 and mode coverage against exact samples, ESS, R-hat, wall time, the warnings raised) and,
with --check, fails when a run returns a non-finite or absurd answer (|log Z error| > 10 nats, a
non-finite log Z, sliced W2 or mean) without a warning, or fails other than with a one-line error. A run
whose defaults diverged and restarted with the sampler's on_divergence settings says so in its row.

Usage: run.py path/to/dmt [--particles P] [--timeout S] [--check] [--json OUT.json] [--only REGEX]
"""
import argparse, json, math, os, re, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser()
ap.add_argument("dmt")
ap.add_argument("--particles", type=int, default=2000)
ap.add_argument("--timeout", type=float, default=300)
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--check", action="store_true")
ap.add_argument("--json")
ap.add_argument("--only", default=".")
a = ap.parse_args()

def names(kind):
    out = subprocess.run([a.dmt, kind, "--json"], capture_output=True, text=True, check=True).stdout
    return [c["name"] for c in json.loads(out)]

targets, samplers = names("targets"), names("samplers")
rows, problems = [], []
work = tempfile.mkdtemp()
for s in samplers:
    for t in targets:
        if not re.search(a.only, f"{s}/{t}"):
            continue
        m_path = os.path.join(work, f"{s}_{t}.json")
        cmd = [a.dmt, "sample", "--target", t, "--sampler", s, "--particles", str(a.particles), "--seed", "1",
               "--threads", str(a.threads), "--out", os.path.join(work, "x.npy"), "--metrics", m_path]
        t0 = time.time()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=a.timeout)
        except subprocess.TimeoutExpired:
            rows.append({"sampler": s, "target": t, "status": f"over {a.timeout:.0f} s"})
            continue
        wall = time.time() - t0
        row = {"sampler": s, "target": t, "wall_s": wall}
        if p.returncode != 0:
            err = p.stderr.strip().splitlines()
            row["status"] = "refused: " + (err[-1].replace("dmt: error: ", "") if err else f"exit {p.returncode}")
            # one error line (a note that the defaults diverged and the run restarted may precede it)
            if p.returncode != 2 or sum(e.startswith("dmt: error: ") for e in err) != 1 or not err[-1].startswith("dmt: error: "):
                problems.append(f"{s} on {t}: exit {p.returncode}, {len(err)} stderr lines: {p.stderr.strip()[:300]}")
            rows.append(row)
            continue
        m = json.load(open(m_path))
        ve = m.get("vs_exact", {})
        row.update(status="ok" if "restarted" not in m else
                   "ok, restarted with " + ", ".join(f"{k} {v}" for k, v in m["restarted"]["with"].items()),
                   warnings=m["warnings"], log_z_error=m.get("log_z_error"),
                   log_z=m.get("log_z"), sliced_w2=ve.get("sliced_w2"), coverage=ve.get("mode_coverage"),
                   coverage_exact=ve.get("mode_coverage_exact"), mean_ratio=ve.get("mean_error_noise_ratio"),
                   ess=(m["ess"] / a.particles) if "ess" in m else None, chain_ess=m.get("chain_ess_x0"), rhat=m.get("rhat_x0"))
        rows.append(row)
        bad = []
        if "log_z" in m and (m["log_z"] is None or not math.isfinite(m["log_z"])):
            bad.append("non-finite log Z")
        if row["log_z_error"] is not None and abs(row["log_z_error"]) > 10:
            bad.append(f"log Z error {row['log_z_error']:.3g}")
        for k in ("sliced_w2", "mean_error"):
            v = ve.get(k)
            if k in ve and (v is None or not math.isfinite(v)):
                bad.append(f"non-finite {k}")
        if bad and not m["warnings"]:
            problems.append(f"{s} on {t}: {', '.join(bad)} without a warning")
        row["absurd"] = bad

def fmt(v, spec):
    return "—" if v is None else format(v, spec)

print(f"| sampler | target | result | log Z error | sliced W2 | modes covered (exact) | ESS/N or chain ESS (R-hat) | wall (s) | warnings |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
for r in rows:
    if not r["status"].startswith("ok"):
        print(f"| {r['sampler']} | {r['target']} | {r['status']} | | | | | {fmt(r.get('wall_s'), '.1f')} | |")
        continue
    cov = "—" if r["coverage"] is None else f"{r['coverage']:.2f} ({r['coverage_exact']:.2f})"
    ess = fmt(r["ess"], ".3f") if r["ess"] is not None else fmt(r["chain_ess"], ".0f")
    if r.get("rhat") is not None:
        ess += f" ({r['rhat']:.3f})"
    warn = "; ".join(w.split(":")[0] for w in r["warnings"]) if r["warnings"] else "none"
    print(f"| {r['sampler']} | {r['target']} | {r['status']} | {fmt(r['log_z_error'], '.3f')} | {fmt(r['sliced_w2'], '.3g')} | {cov} "
          f"| {ess} | {r['wall_s']:.1f} | {warn} |")
if a.json:
    json.dump(rows, open(a.json, "w"), indent=1)
if problems:
    print("\nPROBLEMS:\n" + "\n".join(problems))
if a.check:
    ok = sum(r["status"].startswith("ok") for r in rows)
    print(f"\n{len(rows)} runs ({ok} ran, {len(rows) - ok} refused or over time), {len(problems)} problems", file=sys.stderr)
    sys.exit(1 if problems else 0)
