#include "dmt/native/fit_command.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "dmt/config/json_params.hpp"
#include "dmt/native/atomic_file.hpp"
#include "dmt/native/npy.hpp"
#include "dmt/native/progress_bar.hpp"
#include "dmt/native/thread_pool.hpp"
#include "dmt/native/trained_model.hpp"

namespace dmt {
namespace {

std::string theta_csv(const fit_result& r, const latent_model& m) {
  std::ostringstream s;
  s.precision(17);
  s << "step";
  for (const auto& n : m.theta_names()) s << "," << n;
  if (!r.log_z_path.empty()) s << ",log_z,ess";
  s << "\n";
  const std::size_t steps = r.theta_path.size() / r.theta_dim;
  for (std::size_t k = 0; k < steps; ++k) {
    s << k;
    for (int j = 0; j < r.theta_dim; ++j) s << "," << r.theta_path[k * r.theta_dim + j];
    if (!r.log_z_path.empty()) s << "," << r.log_z_path[k] << "," << r.ess_path[k];
    s << "\n";
  }
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  atomic_file f(path);
  f.write(text);
  f.commit();
}

fit_run run_with_progress(const fit_request& rq) {
  const thread_pool pool(thread_count(rq.threads));
  // one bar per algorithm and repeat
  std::unique_ptr<progress_bar> bar;
  std::size_t current = SIZE_MAX;
  long current_repeat = -1;
  fit_run run = run_fit(rq, pool, [&](std::size_t a, long r, long k, long total) {
    if (a != current || r != current_repeat) {
      if (bar) bar->finish();
      current = a;
      current_repeat = r;
      std::string label = rq.algorithms[a]["name"].get<std::string>();
      if (rq.repeats > 1) label += " " + std::to_string(r + 1) + "/" + std::to_string(rq.repeats);
      bar = std::make_unique<progress_bar>(total, label);
    }
    bar->update(k);
  });
  if (bar) bar->finish();
  return run;
}

}  // namespace

fit_request read_fit_config(const std::string& path) {
  const std::string text = read_text_file(path, "config");
  nlohmann::json c;
  try {
    c = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number past double
    throw input_error("malformed JSON in '" + path + "': " + e.what());
  }
  return fit_request_from_json(c);
}

nlohmann::ordered_json run_fit_command(const fit_request& rq) {
  if (rq.out.empty()) throw input_error("no output directory given (use --out)");
  if (std::filesystem::exists(rq.out) && !std::filesystem::is_directory(rq.out))
    throw input_error("--out '" + rq.out + "' exists and is not a directory");
  const fit_run run = run_with_progress(rq);
  nlohmann::ordered_json metrics = fit_metrics_json(run, rq);
  // everything computed: now the files
  std::error_code ec;
  std::filesystem::create_directories(rq.out, ec);
  if (ec) throw input_error("cannot create output directory '" + rq.out + "': " + ec.message());
  const std::filesystem::path dir(rq.out);
  for (const fit_outcome& o : run.outcomes) {
    const fit_result& r = o.runs.front();
    write_text((dir / ("theta_" + o.algorithm + ".csv")).string(), theta_csv(r, *run.model));
    write_npy_f64((dir / ("theta_" + o.algorithm + ".npy")).string(), r.theta_path.data(),
                  {r.theta_path.size() / r.theta_dim, static_cast<std::size_t>(r.theta_dim)});
    write_npy_f64((dir / ("particles_" + o.algorithm + ".npy")).string(), r.particles.data(),
                  {r.particles.size() / r.latent_dim, static_cast<std::size_t>(r.latent_dim)});
  }
  write_text((dir / "report.svg").string(), fit_report_svg(run));
  write_text((dir / "metrics.json").string(), metrics.dump(2) + "\n");
  return metrics;
}

select_candidate parse_candidate(const std::string& text) {
  select_candidate c;
  c.label = text;
  std::size_t colon = text.find(':');
  const std::string name = text.substr(0, colon);
  if (name.empty()) throw input_error("--models entry '" + text + "' has no model name");
  params p;
  while (colon != std::string::npos) {
    const std::size_t next = text.find(':', colon + 1);
    set_param_from_text(p, text.substr(colon + 1, next == std::string::npos ? std::string::npos : next - colon - 1),
                        "model");
    colon = next;
  }
  c.model = params_to_json(p);
  c.model["name"] = name;
  return c;
}

nlohmann::ordered_json run_select_command(const std::vector<select_candidate>& candidates, const fit_request& base,
                                          const std::string& out_json) {
  if (candidates.size() < 2) throw input_error("--models needs at least two candidates");
  if (base.algorithms.size() != 1) throw input_error("select runs one algorithm");
  if (!registry::global().get(component_kind::algorithm, base.algorithms[0]["name"].get<std::string>()).caps.weighted)
    throw input_error("select ranks by a log Z estimate: algorithm '" + base.algorithms[0]["name"].get<std::string>() +
                      "' has none (use jala_em)");
  struct row {
    std::string label;
    double log_z = 0.0, sd = 0.0;
    std::optional<double> exact{};
    std::vector<double> theta{};
    std::vector<std::string> warnings{};
  };
  std::vector<row> rows;
  for (const auto& c : candidates) {
    fit_request rq = base;
    nlohmann::json m = c.model;
    for (auto it = base.model.begin(); it != base.model.end(); ++it)
      if (it.key() != "name" && !m.contains(it.key())) m[it.key()] = it.value();
    rq.model = m;
    row r{c.label};
    fit_run run;
    try {
      run = run_with_progress(rq);
    } catch (const input_error& e) {
      // a candidate whose particles diverge ranks last, with the reason; bad input still stops
      const std::string what = e.what();
      if (what.find("diverged") == std::string::npos) throw;
      r.log_z = -INFINITY;
      r.warnings.push_back(what);
      rows.push_back(std::move(r));
      continue;
    }
    const fit_outcome& o = run.outcomes.front();
    std::vector<double> lz;
    for (const auto& x : o.runs) {
      if (!x.log_z()) throw input_error("model '" + c.label + "' gives no log Z (its particles start at a point: use init=posterior)");
      lz.push_back(*x.log_z());
      for (const auto& w : fit_warnings(x, o.settings, *run.model)) r.warnings.push_back(w);
    }
    for (double v : lz) r.log_z += v / double(lz.size());
    for (double v : lz) r.sd += lz.size() > 1 ? (v - r.log_z) * (v - r.log_z) / double(lz.size() - 1) : 0.0;
    r.sd = std::sqrt(r.sd);
    const fit_result& first = o.runs.front();
    r.theta.assign(first.theta_path.end() - first.theta_dim, first.theta_path.end());
    r.exact = run.model->log_marginal(r.theta.data());
    rows.push_back(std::move(r));
  }
  std::vector<std::size_t> order(rows.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return rows[a].log_z > rows[b].log_z; });
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  std::printf("%-4s %-40s %14s %10s %16s  %s\n", "rank", "model", "log Z", "sd", "exact log p(y)", "theta_K");
  for (std::size_t k = 0; k < order.size(); ++k) {
    const row& r = rows[order[k]];
    std::string theta;
    for (double t : r.theta) theta += (theta.empty() ? "" : ", ") + std::to_string(t);
    std::printf("%-4zu %-40s %14.4f %10.4f %16s  (%s)\n", k + 1, r.label.c_str(), r.log_z, r.sd,
                r.exact ? std::to_string(*r.exact).c_str() : "-", theta.c_str());
    nlohmann::ordered_json j{{"rank", k + 1}, {"model", r.label}, {"log_z", r.log_z}, {"log_z_sd", r.sd},
                             {"theta_final", r.theta}};
    if (r.exact) j["log_marginal_exact_at_theta_final"] = *r.exact;
    j["warnings"] = r.warnings;
    out.push_back(j);
  }
  if (!out_json.empty()) write_text(out_json, out.dump(2) + "\n");
  return out;
}

}  // namespace dmt
