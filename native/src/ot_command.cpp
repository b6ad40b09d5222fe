#include "dmt/native/ot_command.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "dmt/native/npy.hpp"
#include "dmt/native/thread_pool.hpp"
#include "dmt/ot/gaussian_bridge.hpp"
#include "dmt/ot/gaussian_ot_batch.hpp"
#include "dmt/ot/gaussian_sinkhorn.hpp"
#include "dmt/ot/mixture_sinkhorn.hpp"
#include "dmt/ot/sinkhorn.hpp"
#include "dmt/params.hpp"

namespace dmt {
namespace {

using json = nlohmann::ordered_json;

nlohmann::json parse_json_text(const std::string& text, const std::string& path) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw input_error("'" + path + "' is not valid JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::exception& e) {  // out_of_range: a number past double's range
    throw input_error("'" + path + "' is not valid JSON: " + e.what());
  }
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error("cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json_text(text.str(), path);
}

gaussian gaussian_from_json(const nlohmann::json& j, const std::string& path) {
  const auto bad = [&](const std::string& why) { return input_error("'" + path + "': " + why); };
  if (!j.is_object() || !j.contains("mean") || !j.contains("cov"))
    throw bad("expected {\"mean\": [...], \"cov\": [[...], ...]}");
  const auto& m = j["mean"];
  const auto& c = j["cov"];
  if (!m.is_array() || m.empty()) throw bad("\"mean\" must be a non-empty array of numbers");
  const std::size_t d = m.size();
  gaussian g;
  g.mean.resize(d);
  g.cov.resize(d, d);
  for (std::size_t i = 0; i < d; ++i) {
    if (!m[i].is_number()) throw bad("\"mean\" must be a non-empty array of numbers");
    g.mean(i) = m[i].get<double>();
  }
  if (!c.is_array() || c.size() != d)
    throw bad("\"cov\" must be a " + std::to_string(d) + " x " + std::to_string(d) + " array (the mean has dimension " +
              std::to_string(d) + ")");
  for (std::size_t i = 0; i < d; ++i) {
    if (!c[i].is_array() || c[i].size() != d)
      throw bad("\"cov\" must be a " + std::to_string(d) + " x " + std::to_string(d) +
                " array (the mean has dimension " + std::to_string(d) + ")");
    for (std::size_t k = 0; k < d; ++k) {
      if (!c[i][k].is_number()) throw bad("\"cov\" has a non-number entry");
      g.cov(i, k) = c[i][k].get<double>();
    }
  }
  if (!g.mean.allFinite() || !g.cov.allFinite()) throw bad("non-finite entries");
  return g;
}

gaussian read_gaussian(const std::string& path) { return gaussian_from_json(read_json(path), path); }

// {"weights": [...], "components": [{"mean", "cov"}, ...]} or {"kde": {"points": [[...]], "bandwidth": h}}
gaussian_mixture mixture_from_json(const nlohmann::json& j, const std::string& path) {
  const auto bad = [&](const std::string& why) { return input_error("'" + path + "': " + why); };
  if (j.is_object() && j.contains("kde")) {
    const auto& k = j["kde"];
    if (!k.is_object() || !k.contains("points") || !k.contains("bandwidth") || !k["points"].is_array() ||
        k["points"].empty() || !k["bandwidth"].is_number())
      throw bad("\"kde\" must be {\"points\": [[...], ...], \"bandwidth\": h}");
    const auto& p = k["points"];
    const std::size_t d = p[0].is_array() ? p[0].size() : 0;
    Eigen::MatrixXd pts(p.size(), d);
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (!p[i].is_array() || p[i].size() != d || d == 0) throw bad("KDE points must all have the same dimension");
      for (std::size_t c = 0; c < d; ++c) {
        if (!p[i][c].is_number()) throw bad("KDE points must be numbers");
        pts(i, c) = p[i][c].get<double>();
      }
    }
    try {
      return kernel_density(pts, k["bandwidth"].get<double>());
    } catch (const input_error& e) {
      throw bad(e.what());
    }
  }
  if (!j.is_object() || !j.contains("weights") || !j.contains("components") || !j["weights"].is_array() ||
      !j["components"].is_array())
    throw bad("expected {\"weights\": [...], \"components\": [{\"mean\", \"cov\"}, ...]} or {\"kde\": ...}");
  gaussian_mixture m;
  for (const auto& w : j["weights"]) {
    if (!w.is_number()) throw bad("weights must be numbers");
    m.weights.push_back(w.get<double>());
  }
  for (const auto& c : j["components"]) m.components.push_back(gaussian_from_json(c, path));
  try {
    check_mixture(m, "the mixture");
  } catch (const input_error& e) {
    std::string msg = e.what();
    if (msg.rfind("the mixture", 0) == 0) msg = msg.substr(std::string("the mixture").size());
    if (msg.rfind(": ", 0) == 0) msg = msg.substr(2);
    throw bad(msg);
  }
  return m;
}

gaussian_mixture read_mixture(const std::string& path) { return mixture_from_json(read_json(path), path); }

// s from eps = reg = 2 s^2
double s_of_reg(double reg, bool allow_zero) {
  if (!std::isfinite(reg) || reg < 0.0 || (reg == 0.0 && !allow_zero))
    throw input_error(allow_zero ? "--reg must be finite and non-negative" : "--reg must be positive and finite");
  return std::sqrt(reg / 2.0);
}

json matrix_json(const Eigen::MatrixXd& m) {
  json a = json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    json row = json::array();
    for (Eigen::Index k = 0; k < m.cols(); ++k) row.push_back(m(i, k));
    a.push_back(row);
  }
  return a;
}

json vector_json(const Eigen::VectorXd& v) {
  json a = json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(v(i));
  return a;
}

// gaussian_entropic_ot with the file names in the messages
entropic_ot_result closed_form(const gaussian& a, const gaussian& b, double s, const std::string& fa,
                               const std::string& fb) {
  try {
    return gaussian_entropic_ot(a, b, s);
  } catch (const input_error& e) {
    std::string m = e.what();
    for (const auto& [from, to] : {std::pair<std::string, std::string>{"the first Gaussian", "'" + fa + "'"},
                                   std::pair<std::string, std::string>{"the second Gaussian", "'" + fb + "'"}})
      if (m.rfind(from, 0) == 0) m = to + m.substr(from.size());
    if (m == "the two Gaussians have different dimensions")
      m = "'" + fa + "' and '" + fb + "' have different dimensions (" + std::to_string(a.mean.size()) + " and " +
          std::to_string(b.mean.size()) + ")";
    throw input_error(m);
  }
}

weighted_cloud read_cloud(const std::string& points, const std::string& weights) {
  if (points.empty()) throw input_error("no point cloud given (--x and --y)");
  const npy_matrix p = read_npy_matrix(points);
  weighted_cloud c;
  c.points.resize(p.rows, p.cols);
  for (std::size_t i = 0; i < p.rows; ++i)
    for (std::size_t k = 0; k < p.cols; ++k) c.points(i, k) = p.data[i * p.cols + k];
  if (!weights.empty()) {
    const npy_matrix w = read_npy_matrix(weights);
    if (w.cols != 1 && w.rows != 1) throw input_error("'" + weights + "': weights must be a vector");
    c.weights = Eigen::Map<const Eigen::VectorXd>(w.data.data(), w.data.size());
  }
  return c;
}

std::vector<double> parse_times(const std::string& text) {
  std::vector<double> t;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ',')) {
    char* end = nullptr;
    const double v = std::strtod(part.c_str(), &end);
    if (part.empty() || *end != '\0' || !std::isfinite(v))
      throw input_error("--times: '" + part + "' is not a number (expected e.g. 0,0.25,0.5,1)");
    t.push_back(v);
  }
  if (t.empty()) throw input_error("--times is empty");
  return t;
}

}  // namespace

nlohmann::ordered_json run_ot_gaussian(const ot_gaussian_request& r) {
  const double s = s_of_reg(r.reg, true);
  {
    const nlohmann::json ja = read_json(r.a), jb = read_json(r.b);
    if (ja.is_array() || jb.is_array()) {  // batches of pairs
      if (!ja.is_array() || !jb.is_array() || ja.size() != jb.size() || ja.empty())
        throw input_error("'" + r.a + "' and '" + r.b + "': a batch needs two non-empty arrays of the same length");
      if (r.iterations > 0) throw input_error("--iterations is for a single pair, not a batch");
      std::vector<gaussian> ga, gb;
      for (std::size_t p = 0; p < ja.size(); ++p) {
        ga.push_back(gaussian_from_json(ja[p], r.a + "[" + std::to_string(p) + "]"));
        gb.push_back(gaussian_from_json(jb[p], r.b + "[" + std::to_string(p) + "]"));
        closed_form(ga[p], gb[p], s, r.a + "[" + std::to_string(p) + "]", r.b + "[" + std::to_string(p) + "]");
      }
      const int d = static_cast<int>(ga[0].mean.size());
      for (std::size_t p = 0; p < ga.size(); ++p)
        if (ga[p].mean.size() != d || gb[p].mean.size() != d)
          throw input_error("pair " + std::to_string(p) + " of the batch has a different dimension");
      const std::size_t n = ga.size(), dd = std::size_t(d) * d;
      std::vector<double> ma(n * d), mb(n * d), ca(n * dd), cb(n * dd), cost(n);
      for (std::size_t p = 0; p < n; ++p) {
        Eigen::Map<Eigen::VectorXd>(ma.data() + p * d, d) = ga[p].mean;
        Eigen::Map<Eigen::VectorXd>(mb.data() + p * d, d) = gb[p].mean;
        Eigen::Map<Eigen::MatrixXd>(ca.data() + p * dd, d, d) = ga[p].cov;  // symmetric: either order
        Eigen::Map<Eigen::MatrixXd>(cb.data() + p * dd, d, d) = gb[p].cov;
      }
      if (d <= kGaussianBatchMaxDim) {
        gaussian_entropic_ot_batch<double>(n, d, ma.data(), ca.data(), mb.data(), cb.data(), s, cost.data(), nullptr);
      } else {
        for (std::size_t p = 0; p < n; ++p) cost[p] = gaussian_entropic_ot(ga[p], gb[p], s).cost;
      }
      json out;
      out["pairs"] = n;
      out["dim"] = d;
      out["reg"] = r.reg;
      out["s"] = s;
      out["costs"] = cost;
      return out;
    }
  }
  if (r.iterations < 0) throw input_error("--iterations must be non-negative");
  if (r.iterations > 0 && s == 0.0)
    throw input_error("--iterations needs --reg > 0 (the Sinkhorn recursion is entropic)");
  const gaussian a = read_gaussian(r.a), b = read_gaussian(r.b);
  const entropic_ot_result e = closed_form(a, b, s, r.a, r.b);
  const entropic_ot_result bures = closed_form(a, b, 0.0, r.a, r.b);
  json out;
  out["dim"] = a.mean.size();
  out["reg"] = r.reg;
  out["s"] = s;
  out["cost"] = e.cost;
  out["cross_covariance"] = matrix_json(e.cross);
  out["map"] = {{"matrix", matrix_json(e.map_matrix)},
                {"offset", vector_json(b.mean - e.map_matrix * a.mean)},
                {"conditional_covariance", matrix_json(e.conditional)}};
  if (s > 0) out["sinkhorn_divergence"] = gaussian_sinkhorn_divergence(a, b, s);
  out["bures"] = {
      {"w2_squared", bures.cost},
      {"monge_map",
       {{"matrix", matrix_json(bures.map_matrix)}, {"offset", vector_json(b.mean - bures.map_matrix * a.mean)}}}};
  if (r.iterations > 0) {
    const auto ipf = gaussian_sinkhorn(a, b, s, r.iterations);
    json hist = json::array();
    for (std::size_t k = 0; k < ipf.iterates.size(); ++k)
      hist.push_back({{"iteration", k + 1},
                      {"error", ipf.iterates[k].error},
                      {"y_marginal_error", ipf.iterates[k].y_marginal_error}});
    out["ipf"] = {{"converged", ipf.converged},
                  {"contraction", ipf.contraction},
                  {"iterates", hist},
                  {"cross_covariance", matrix_json(ipf.iterates.back().C)}};
  }
  return out;
}

nlohmann::ordered_json run_ot_sinkhorn(const ot_sinkhorn_request& r) {
  const double reg = r.reg;
  if (!(reg > 0.0) || !std::isfinite(reg)) throw input_error("--reg must be positive and finite");
  if (r.iterations < 1) throw input_error("--iterations must be at least 1");
  if (!(r.tolerance >= 0.0)) throw input_error("--tolerance must be non-negative");
  if (r.threads < 0) throw input_error("thread count must be non-negative");
  if (r.plan && r.out.empty()) throw input_error("--plan needs --out");
  if (r.plan && r.divergence) throw input_error("--plan and --divergence cannot be combined");
  sinkhorn_options o;
  o.reg = reg;
  o.cost = parse_ground_cost(r.cost);
  o.max_iterations = r.iterations;
  o.tolerance = r.tolerance;
  o.eps_scaling = r.eps_scaling;
  o.precision = r.float32 ? sinkhorn_precision::float32 : sinkhorn_precision::float64;
  o.prune = !r.no_prune;
  if (r.storage == "auto")
    o.storage = sinkhorn_storage::automatic;
  else if (r.storage == "kernel")
    o.storage = sinkhorn_storage::dense;
  else if (r.storage == "online")
    o.storage = sinkhorn_storage::online;
  else
    throw input_error("--storage must be auto, kernel or online (got '" + r.storage + "')");
  const weighted_cloud x = read_cloud(r.x, r.a), y = read_cloud(r.y, r.b);
  check_cloud(x, ("'" + r.x + "'").c_str());
  check_cloud(y, ("'" + r.y + "'").c_str());
  if (x.points.cols() != y.points.cols())
    throw input_error("'" + r.x + "' and '" + r.y + "' have different dimensions (" + std::to_string(x.points.cols()) +
                      " and " + std::to_string(y.points.cols()) + ")");
  if (r.plan && double(x.points.rows()) * double(y.points.rows()) > double(o.dense_limit))
    throw input_error("--plan: the plan would have " + std::to_string(x.points.rows()) + " x " +
                      std::to_string(y.points.rows()) + " entries (limit " + std::to_string(o.dense_limit) + ")");
  thread_pool pool(r.threads > 0 ? r.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  o.exec = &pool;
  const auto t0 = std::chrono::steady_clock::now();
  json out;
  out["n"] = x.points.rows();
  out["m"] = y.points.rows();
  out["dim"] = x.points.cols();
  out["reg"] = reg;
  out["cost_function"] = r.cost;
  out["precision"] = r.float32 ? "float32" : "float64";
  const sinkhorn_result res = sinkhorn(x, y, o);
  int iterations = res.iterations;
  bool converged = res.converged;
  if (r.divergence) {  // reuses res for OT(x, y); iterations and convergence then cover all three problems
    const auto d = sinkhorn_divergence(x, y, o, res);
    out["divergence"] = d.value;
    out["ot_xy"] = d.xy;
    out["ot_xx"] = d.xx;
    out["ot_yy"] = d.yy;
    iterations = d.iterations;
    converged = d.converged;
  }
  out["cost"] = res.cost;
  out["dual"] = res.dual;
  out["transport"] = res.transport;
  out["iterations"] = iterations;
  out["converged"] = converged;
  out["marginal_error"] = res.marginal_error;
  out["contraction"] = res.contraction;
  out["stored_kernel"] = res.dense;
  out["kernel_iterations"] = res.kernel_iterations;
  out["evaluated_pairs"] = res.evaluated;
  out["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!r.out.empty()) {
    if (r.plan) {
      const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> P = sinkhorn_plan(x, y, res, o);
      write_npy_f64(r.out, P.data(), {std::size_t(P.rows()), std::size_t(P.cols())});
    } else {
      std::vector<double> fg(res.f.data(), res.f.data() + res.f.size());
      fg.insert(fg.end(), res.g.data(), res.g.data() + res.g.size());
      write_npy_f64(r.out, fg.data(), {fg.size(), 1});
    }
    out["out"] = r.out;
  }
  return out;
}

nlohmann::ordered_json run_ot_bridge(const ot_bridge_request& r) {
  const double s = s_of_reg(r.reg, false);
  if (r.paths < 1 || r.paths > 10000000) throw input_error("--paths must be between 1 and 10000000");
  const std::vector<double> times = parse_times(r.times);
  const gaussian a = read_gaussian(r.a), b = read_gaussian(r.b);
  closed_form(a, b, s, r.a, r.b);  // validates with the file names
  const gaussian_bridge bridge(a, b, s);
  const auto paths = bridge.sample_paths(times, static_cast<std::size_t>(r.paths), r.seed);
  json out;
  out["dim"] = a.mean.size();
  out["reg"] = r.reg;
  out["s"] = s;
  out["paths"] = r.paths;
  json marg = json::array();
  for (double t : times) {
    const gaussian g = bridge.marginal(t);
    marg.push_back({{"t", t}, {"mean", vector_json(g.mean)}, {"cov", matrix_json(g.cov)}});
  }
  out["marginals"] = marg;
  if (!r.out.empty()) {
    write_npy_f64(r.out, paths.data(), {std::size_t(r.paths), times.size(), std::size_t(a.mean.size())});
    out["out"] = r.out;
  }
  return out;
}

nlohmann::ordered_json run_ot_mixture(const ot_mixture_request& r) {
  if (!(r.reg > 0.0) || !std::isfinite(r.reg)) throw input_error("--reg must be positive and finite");
  if ((r.nodes > 0) == (r.samples > 0)) throw input_error("give exactly one of --nodes and --samples");
  if (r.nodes < 0 || r.nodes > 200) throw input_error("--nodes must be between 1 and 200");
  if (r.samples < 0 || r.samples > 1000000) throw input_error("--samples must be between 1 and 1000000");
  if (r.iterations < 1) throw input_error("--iterations must be at least 1");
  const gaussian_mixture a = read_mixture(r.a), b = read_mixture(r.b);
  if (a.components[0].mean.size() != b.components[0].mean.size())
    throw input_error("'" + r.a + "' and '" + r.b + "' have different dimensions");
  sinkhorn_options o;
  o.reg = r.reg;
  o.max_iterations = r.iterations;
  o.tolerance = r.tolerance;
  thread_pool pool(r.threads > 0 ? r.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  o.exec = &pool;
  mixture_ot_settings m;
  m.nodes_per_dim = r.nodes;
  m.samples = static_cast<std::size_t>(r.samples);
  m.seed = r.seed;
  const auto res = mixture_sinkhorn(a, b, m, o);
  json out;
  out["dim"] = a.components[0].mean.size();
  out["reg"] = r.reg;
  out["discretisation"] = r.nodes > 0 ? "gauss-hermite" : "samples";
  out["cost"] = res.cost;
  out["iterations"] = res.iterations;
  out["converged"] = res.converged;
  out["marginal_error"] = res.marginal_error;
  out["contraction"] = res.contraction;
  out["errors"] = res.errors;
  return out;
}

gaussian gaussian_from_json_text(const std::string& text, const std::string& name) {
  return gaussian_from_json(parse_json_text(text, name), name);
}

gaussian_mixture mixture_from_json_text(const std::string& text, const std::string& name) {
  return mixture_from_json(parse_json_text(text, name), name);
}

}  // namespace dmt
