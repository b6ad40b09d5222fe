// `dmt ot gaussian | sinkhorn | bridge | mixture`: optimal transport from the command line
// (ot_command.cpp); results printed as JSON.
#include <iomanip>
#include <iostream>
#include <memory>

#include "cli_command.hpp"
#include "dmt/native/ot_command.hpp"
#include "dmt/params.hpp"

namespace dmt::cli {
namespace {

std::uint64_t checked_seed(long seed) {
  if (seed < 0) throw input_error("seed must be non-negative");
  return static_cast<std::uint64_t>(seed);
}

void add_gaussian(CLI::App& ot, std::vector<command>& out) {
  auto r = std::make_shared<ot_gaussian_request>();
  auto* g = ot.add_subcommand("gaussian", "entropic OT between two Gaussians in closed form; prints JSON");
  g->add_option("--a", r->a, "first Gaussian, JSON {\"mean\": [...], \"cov\": [[...]]}")->required();
  g->add_option("--b", r->b, "second Gaussian, same format")->required();
  g->add_option("--reg", r->reg, "eps = 2 s^2 (POT's reg for the squared-Euclidean cost); 0 gives W2")->required();
  g->add_option("--iterations", r->iterations, "also run N sweeps of the Gaussian Sinkhorn recursion");
  out.push_back({g, [r] { std::cout << std::setprecision(17) << run_ot_gaussian(*r).dump(2) << "\n"; }});
}

void add_sinkhorn(CLI::App& ot, std::vector<command>& out) {
  auto r = std::make_shared<ot_sinkhorn_request>();
  auto* s = ot.add_subcommand("sinkhorn", "log-domain Sinkhorn between point clouds (NPY); prints JSON");
  s->add_option("--x", r->x, "first cloud, NPY n x d (float32 or float64)")->required();
  s->add_option("--y", r->y, "second cloud, NPY m x d")->required();
  s->add_option("--a", r->a, "weights of the first cloud, NPY (default uniform; must sum to 1)");
  s->add_option("--b", r->b, "weights of the second cloud, NPY (default uniform; must sum to 1)");
  s->add_option("--reg", r->reg, "eps")->required();
  s->add_option("--cost", r->cost, "sqeuclidean (default), euclidean, l1, lp:P");
  s->add_option("--iterations", r->iterations, "iteration limit (default 1000)");
  s->add_option("--tolerance", r->tolerance, "stop when the L1 marginal error is below this (default 1e-9)");
  s->add_flag("--eps-scaling", r->eps_scaling, "anneal eps from the cloud's diameter");
  s->add_flag("--divergence", r->divergence, "also compute the debiased Sinkhorn divergence");
  s->add_flag("--float32", r->float32, "single-precision kernels (faster, about 1e-6 relative)");
  s->add_flag("--no-prune", r->no_prune, "evaluate every pair (no block-sparse skipping of negligible ones)");
  s->add_option("--storage", r->storage,
                "auto (default: a stored Gibbs kernel when n m <= 2^22), kernel, or online (memory O(n + m))");
  s->add_flag("--plan", r->plan, "write the n x m plan to --out instead of the potentials");
  s->add_option("--threads", r->threads, "worker threads (default: all cores; results do not depend on it)");
  s->add_option("--out", r->out, "potentials [f; g] as an (n + m) x 1 float64 NPY (or the plan with --plan)");
  out.push_back({s, [r] { std::cout << run_ot_sinkhorn(*r).dump(2) << "\n"; }});
}

void add_bridge(CLI::App& ot, std::vector<command>& out) {
  auto r = std::make_shared<ot_bridge_request>();
  auto seed = std::make_shared<long>(1);
  auto* b = ot.add_subcommand("bridge", "sample Schrodinger-bridge paths between two Gaussians");
  b->add_option("--a", r->a, "first Gaussian (JSON)")->required();
  b->add_option("--b", r->b, "second Gaussian (JSON)")->required();
  b->add_option("--reg", r->reg, "eps = 2 s^2; the reference process is s dW")->required();
  b->add_option("--times", r->times, "increasing times in [0, 1] (default 0,0.25,0.5,0.75,1)");
  b->add_option("--paths", r->paths, "number of paths (default 100)");
  b->add_option("--seed", *seed, "random seed (default 1)");
  b->add_option("--out", r->out, "paths x times x d float64 NPY");
  out.push_back({b, [r, seed] {
                   r->seed = checked_seed(*seed);
                   std::cout << run_ot_bridge(*r).dump(2) << "\n";
                 }});
}

void add_mixture(CLI::App& ot, std::vector<command>& out) {
  auto r = std::make_shared<ot_mixture_request>();
  auto seed = std::make_shared<long>(1);
  auto* m = ot.add_subcommand("mixture", "entropic OT between Gaussian mixtures or KDEs; prints JSON");
  m->add_option("--a", r->a, "mixture JSON {\"weights\", \"components\"} or {\"kde\": {\"points\", \"bandwidth\"}}")
      ->required();
  m->add_option("--b", r->b, "second mixture, same format")->required();
  m->add_option("--reg", r->reg, "eps")->required();
  m->add_option("--nodes", r->nodes, "Gauss-Hermite nodes per axis on each component (d <= 4)");
  m->add_option("--samples", r->samples, "or: draws per mixture (sample-based)");
  m->add_option("--seed", *seed, "random seed for --samples (default 1)");
  m->add_option("--iterations", r->iterations, "iteration limit (default 1000)");
  m->add_option("--tolerance", r->tolerance, "marginal-error stop (default 1e-9)");
  m->add_option("--threads", r->threads, "worker threads (default: all cores)");
  out.push_back({m, [r, seed] {
                   r->seed = checked_seed(*seed);
                   std::cout << run_ot_mixture(*r).dump(2) << "\n";
                 }});
}

}  // namespace

void add_ot_commands(CLI::App& app, std::vector<command>& out) {
  auto* ot = app.add_subcommand("ot", "optimal transport: Gaussian closed forms, Sinkhorn, Schrodinger bridges");
  ot->require_subcommand(1);
  add_gaussian(*ot, out);
  add_sinkhorn(*ot, out);
  add_bridge(*ot, out);
  add_mixture(*ot, out);
}

}  // namespace dmt::cli
