// Optimal transport from JS: Gaussian closed forms, the Gaussian Sinkhorn (IPF) iterates, the
// Gaussian Schrodinger bridge, and log-domain Sinkhorn on small point clouds. Gaussians are
// {mean: [d], cov: [[d] x d] or a flat d*d list}; options use the CLI's names (reg = eps = 2 s^2).
#include <emscripten/bind.h>

#include <cmath>

#include "dmt/ot/gaussian_bridge.hpp"
#include "dmt/ot/gaussian_entropic_ot.hpp"
#include "dmt/ot/gaussian_sinkhorn.hpp"
#include "dmt/ot/sinkhorn.hpp"
#include "js_value.hpp"

namespace dmt::js {
namespace {

using json = nlohmann::json;

gaussian gaussian_of(const val& v, const std::string& what) {
  const json j = to_json(v, what);
  if (!j.is_object() || !j.contains("mean") || !j.contains("cov"))
    throw input_error(what + " must be {mean: [...], cov: [[...], ...]}");
  const json& m = j["mean"];
  if (!m.is_array() || m.empty()) throw input_error(what + ".mean must be a non-empty list of numbers");
  const std::size_t d = m.size();
  gaussian g;
  g.mean.resize(d);
  g.cov.resize(d, d);
  for (std::size_t i = 0; i < d; ++i) {
    if (!m[i].is_number()) throw input_error(what + ".mean must be a non-empty list of numbers");
    g.mean(i) = m[i].get<double>();
  }
  json c = j["cov"];
  const std::string shape = std::to_string(d) + " x " + std::to_string(d);
  if (c.is_array() && c.size() == d * d && (d == 1 || c[0].is_number())) {  // flat, row-major
    for (std::size_t i = 0; i < d * d; ++i) {
      if (!c[i].is_number()) throw input_error(what + ".cov has a non-number entry");
      g.cov(i / d, i % d) = c[i].get<double>();
    }
  } else {
    if (!c.is_array() || c.size() != d) throw input_error(what + ".cov must be " + shape + " (the mean has dimension " + std::to_string(d) + ")");
    for (std::size_t i = 0; i < d; ++i) {
      if (!c[i].is_array() || c[i].size() != d)
        throw input_error(what + ".cov must be " + shape + " (the mean has dimension " + std::to_string(d) + ")");
      for (std::size_t k = 0; k < d; ++k) {
        if (!c[i][k].is_number()) throw input_error(what + ".cov has a non-number entry");
        g.cov(i, k) = c[i][k].get<double>();
      }
    }
  }
  return g;
}

json options_of(const val& v, const std::vector<std::string>& known) {
  if (v.isUndefined()) return json::object();
  json o = to_json(v, "options");
  if (!o.is_object()) throw input_error("options must be an object");
  for (auto it = o.begin(); it != o.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw input_error("unknown option '" + it.key() + "' (" + list + ")");
    }
  return o;
}

double number_option(const json& o, const char* key, double fallback) {
  if (!o.contains(key)) return fallback;
  if (!o[key].is_number()) throw input_error(std::string("option '") + key + "' must be a number");
  return o[key].get<double>();
}

// reg = eps = 2 s^2 -> s
double s_of(const json& o, bool allow_zero) {
  if (!o.contains("reg")) throw input_error("options need 'reg' (eps = 2 s^2)");
  const double reg = number_option(o, "reg", 0.0);
  if (reg < 0.0 || (reg == 0.0 && !allow_zero))
    throw input_error(allow_zero ? "reg must be non-negative" : "reg must be positive");
  return std::sqrt(reg / 2.0);
}

val matrix(const Eigen::MatrixXd& m) {  // row-major Float64Array
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r = m;
  return float64_array(r.data(), static_cast<std::size_t>(r.size()));
}
val vector(const Eigen::VectorXd& v) { return float64_array(v.data(), static_cast<std::size_t>(v.size())); }

// {cost, cross, mapMatrix, mapOffset, conditional, divergence, w2, mongeMatrix}
val gaussian_ot(const val& alpha, const val& beta, const val& options) {
  return guarded([&] {
    const json o = options_of(options, {"reg"});
    const double s = s_of(o, true);
    const gaussian a = gaussian_of(alpha, "alpha"), b = gaussian_of(beta, "beta");
    const entropic_ot_result e = gaussian_entropic_ot(a, b, s);
    const entropic_ot_result w = gaussian_entropic_ot(a, b, 0.0);
    val out = val::object();
    out.set("dim", static_cast<int>(a.mean.size()));
    out.set("s", s);
    out.set("cost", e.cost);
    out.set("cross", matrix(e.cross));
    out.set("mapMatrix", matrix(e.map_matrix));
    out.set("mapOffset", vector(b.mean - e.map_matrix * a.mean));
    out.set("conditional", matrix(e.conditional));
    out.set("divergence", s > 0 ? val(gaussian_sinkhorn_divergence(a, b, s)) : val::null());
    out.set("w2Squared", w.cost);
    out.set("mongeMatrix", matrix(w.map_matrix));
    return out;
  });
}

// The Gaussian Sinkhorn recursion: every iterate's C_n and errors.
val gaussian_ipf(const val& alpha, const val& beta, const val& options) {
  return guarded([&] {
    const json o = options_of(options, {"reg", "iterations", "tolerance"});
    const double s = s_of(o, false);
    const double it = number_option(o, "iterations", 100);
    if (!(it >= 1 && it <= 100000 && it == std::floor(it))) throw input_error("option 'iterations' must be an integer from 1 to 100000");
    const double tol = number_option(o, "tolerance", 1e-13);
    if (!(tol >= 0)) throw input_error("option 'tolerance' must be non-negative");
    const gaussian a = gaussian_of(alpha, "alpha"), b = gaussian_of(beta, "beta");
    const auto r = gaussian_sinkhorn(a, b, s, static_cast<int>(it), tol);
    val iterates = val::array();
    for (std::size_t k = 0; k < r.iterates.size(); ++k) {
      val x = val::object();
      x.set("cross", matrix(r.iterates[k].C));
      x.set("error", r.iterates[k].error);
      x.set("marginalError", r.iterates[k].y_marginal_error);
      iterates.call<void>("push", x);
    }
    val out = val::object();
    out.set("iterates", iterates);
    out.set("contraction", r.contraction);
    out.set("converged", r.converged);
    out.set("cross", matrix(gaussian_entropic_ot(a, b, s).cross));
    return out;
  });
}

// Bridge marginal at t: {mean, cov}; and sampled paths: paths x times x dim (Float64Array).
val bridge_marginal(const val& alpha, const val& beta, const val& options) {
  return guarded([&] {
    const json o = options_of(options, {"reg", "t"});
    const double s = s_of(o, false);
    const double t = number_option(o, "t", 0.5);
    if (!(t >= 0 && t <= 1)) throw input_error("option 't' must lie in [0, 1]");
    const gaussian_bridge br(gaussian_of(alpha, "alpha"), gaussian_of(beta, "beta"), s);
    const gaussian m = br.marginal(t);
    val out = val::object();
    out.set("mean", vector(m.mean));
    out.set("cov", matrix(m.cov));
    return out;
  });
}

val bridge_paths(const val& alpha, const val& beta, const val& options) {
  return guarded([&] {
    const json o = options_of(options, {"reg", "times", "paths", "seed"});
    const double s = s_of(o, false);
    std::vector<double> times;
    if (o.contains("times")) {
      if (!o["times"].is_array() || o["times"].empty()) throw input_error("option 'times' must be a non-empty list");
      for (const auto& v : o["times"]) times.push_back(v.get<double>());
    } else {
      for (int k = 0; k <= 50; ++k) times.push_back(k / 50.0);
    }
    const double n = number_option(o, "paths", 100), seed = number_option(o, "seed", 1);
    if (!(n >= 1 && n <= 1e6 && n == std::floor(n))) throw input_error("option 'paths' must be an integer from 1 to 1000000");
    if (!(seed >= 0 && seed == std::floor(seed))) throw input_error("option 'seed' must be a non-negative integer");
    const gaussian_bridge br(gaussian_of(alpha, "alpha"), gaussian_of(beta, "beta"), s);
    const auto p = br.sample_paths(times, static_cast<std::size_t>(n), static_cast<std::uint64_t>(seed));
    return float64_array(p.data(), p.size());
  });
}

// Point clouds x (n x dim) and y (m x dim) as flat arrays; options {dim, reg, a, b, cost,
// maxIterations, tolerance, epsScaling, plan}.
val sinkhorn_clouds(const val& xv, const val& yv, const val& options) {
  return guarded([&] {
    const json o = options_of(options, {"dim", "reg", "a", "b", "cost", "maxIterations", "tolerance", "epsScaling", "plan", "precision", "storage"});
    const double dd = number_option(o, "dim", 0);
    if (!(dd >= 1 && dd <= 4096 && dd == std::floor(dd))) throw input_error("option 'dim' must be an integer from 1 to 4096");
    const std::size_t d = static_cast<std::size_t>(dd);
    const auto xs = doubles(xv, d, "x"), ys = doubles(yv, d, "y");
    weighted_cloud x{Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(xs.data(), xs.size() / d, d), {}};
    weighted_cloud y{Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(ys.data(), ys.size() / d, d), {}};
    if (o.contains("a")) {
      const auto a = doubles(options["a"], 0, "a");
      x.weights = Eigen::Map<const Eigen::VectorXd>(a.data(), a.size());
    }
    if (o.contains("b")) {
      const auto b = doubles(options["b"], 0, "b");
      y.weights = Eigen::Map<const Eigen::VectorXd>(b.data(), b.size());
    }
    sinkhorn_options so;
    so.reg = o.contains("reg") ? number_option(o, "reg", 0.05) : 0.05;
    if (!(so.reg > 0)) throw input_error("reg must be positive");
    if (o.contains("cost")) {
      if (!o["cost"].is_string()) throw input_error("option 'cost' must be a name (sqeuclidean, euclidean, l1, lp:P)");
      so.cost = parse_ground_cost(o["cost"].get<std::string>());
    }
    const double mi = number_option(o, "maxIterations", 1000);
    if (!(mi >= 1 && mi <= 1e7 && mi == std::floor(mi))) throw input_error("option 'maxIterations' must be a positive integer");
    so.max_iterations = static_cast<int>(mi);
    so.tolerance = number_option(o, "tolerance", 1e-9);
    if (!(so.tolerance >= 0)) throw input_error("option 'tolerance' must be non-negative");
    if (o.contains("epsScaling")) {
      if (!o["epsScaling"].is_boolean()) throw input_error("option 'epsScaling' must be true or false");
      so.eps_scaling = o["epsScaling"].get<bool>();
    }
    if (o.contains("precision")) {
      const json& p = o["precision"];
      if (p == "float32") so.precision = sinkhorn_precision::float32;
      else if (p != "float64") throw input_error("option 'precision' must be \"float64\" or \"float32\"");
    }
    if (o.contains("storage")) {
      const json& st = o["storage"];
      if (st == "auto") so.storage = sinkhorn_storage::automatic;
      else if (st == "kernel") so.storage = sinkhorn_storage::dense;
      else if (st == "online") so.storage = sinkhorn_storage::online;
      else throw input_error("option 'storage' must be \"auto\", \"kernel\" or \"online\"");
    }
    bool want_plan = false;
    if (o.contains("plan")) {
      if (!o["plan"].is_boolean()) throw input_error("option 'plan' must be true or false");
      want_plan = o["plan"].get<bool>();
    }
    check_cloud(x, "x");
    check_cloud(y, "y");
    const sinkhorn_result r = sinkhorn(x, y, so);
    val out = val::object();
    out.set("f", vector(r.f));
    out.set("g", vector(r.g));
    out.set("cost", r.cost);
    out.set("dual", r.dual);
    out.set("transport", r.transport);
    out.set("marginalError", r.marginal_error);
    out.set("iterations", r.iterations);
    out.set("converged", r.converged);
    out.set("contraction", r.contraction);
    out.set("storedKernel", r.dense);
    out.set("kernelIterations", r.kernel_iterations);
    out.set("errors", float64_array(r.errors.data(), r.errors.size()));
    out.set("barycentric", matrix(r.barycentric));
    if (want_plan) out.set("plan", matrix(sinkhorn_plan(x, y, r, so)));
    return out;
  });
}

}  // namespace
}  // namespace dmt::js

EMSCRIPTEN_BINDINGS(dmt_ot) {
  using namespace dmt::js;
  emscripten::function("gaussianOT", &gaussian_ot);
  emscripten::function("gaussianIPF", &gaussian_ipf);
  emscripten::function("bridgeMarginal", &bridge_marginal);
  emscripten::function("bridgePaths", &bridge_paths);
  emscripten::function("sinkhorn", &sinkhorn_clouds);
}
