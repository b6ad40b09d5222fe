#include "dmt/native/train_command.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "dmt/native/atomic_file.hpp"
#include "dmt/native/device_sampler.hpp"
#include "dmt/config/evaluation_json.hpp"
#include "dmt/config/json_params.hpp"
#include "dmt/native/npy.hpp"
#include "dmt/native/progress_bar.hpp"
#include "dmt/native/report_svg.hpp"
#include "dmt/native/thread_pool.hpp"
#include "dmt/nn/model_file.hpp"
#include "dmt/targets/registry.hpp"

namespace dmt {
namespace {

std::string read_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error("cannot read " + what + " '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string fmt(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

struct loaded_model {
  model_file file;
  model_config config;
  nlohmann::json target_json, train_config;
  std::unique_ptr<target> tgt;
  std::unique_ptr<diffusion_model<float>> model;
};

loaded_model load_model(const std::string& path) {
  loaded_model m;
  m.file = parse_model(read_file(path, "model file"), path);
  m.config = read_model_config(m.file.header, path);
  try {
    m.target_json = nlohmann::json::parse(m.file.header.at("target"));
    m.train_config = nlohmann::json::parse(m.file.header.at("config"));
  } catch (const std::exception&) {
    throw input_error("model file '" + path + "' has a malformed target or config in its header");
  }
  m.tgt = make_target(m.target_json.at("name").get<std::string>(), params_from_json(m.target_json, "target", {"name"}));
  if (m.tgt->dim() != m.config.dim)
    throw input_error("model file '" + path + "' is for dimension " + std::to_string(m.config.dim) + " but its target '" +
                      m.tgt->name() + "' has dimension " + std::to_string(m.tgt->dim()));
  m.model = std::make_unique<diffusion_model<float>>(m.config);
  load_parameters(m.file, *m.model, path);
  return m;
}

int thread_count(int requested) {
  if (requested < 0) throw input_error("thread count must be non-negative");
  return requested > 0 ? requested : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::vector<float> reference_samples(const target& t, int n, std::uint64_t seed) {
  std::vector<float> ref;
  if (!t.has_exact_sampler()) return ref;
  ref.resize(static_cast<std::size_t>(n) * t.dim());
  t.sample_exact(seed, static_cast<std::size_t>(n), ref.data());
  return ref;
}

constexpr std::uint64_t kReferenceSeedOffset = 0x5EED0001ull;

}  // namespace

train_request read_train_config(const std::string& path) {
  nlohmann::json c;
  try {
    c = nlohmann::json::parse(read_file(path, "config"));
  } catch (const nlohmann::json::parse_error& e) {
    throw input_error("malformed JSON in '" + path + "': " + e.what());
  }
  return parse_train_config(c, "'" + path + "'");
}

void run_train(const train_request& r) {
  namespace fs = std::filesystem;
  if (r.out_dir.empty()) throw input_error("no output directory given (--out)");
  const std::string model_path = (fs::path(r.out_dir) / "model.dmt").string();
  const std::string metrics_path = (fs::path(r.out_dir) / "metrics.jsonl").string();
  const std::string loss_path = (fs::path(r.out_dir) / "loss.csv").string();
  const std::string samples_path = (fs::path(r.out_dir) / "samples.npy").string();
  const std::string report_path = (fs::path(r.out_dir) / "report.svg").string();
  const std::string buffer_path = (fs::path(r.out_dir) / "buffer.npy").string();
  const std::string search_buffer_path = (fs::path(r.out_dir) / "search_buffer.npy").string();

  const std::string tname = r.target["name"].get<std::string>();
  const auto tgt = make_target(tname, params_from_json(r.target, "target", {"name"}));
  train_settings settings = r.settings;
  settings.model.dim = tgt->dim();
  thread_pool pool(thread_count(r.threads));
  const std::unique_ptr<trainer> trp = make_trainer_on(r.device, settings, *tgt, pool);
  trainer& tr = *trp;
  // only now that the config is known to be usable
  std::error_code ec;
  fs::create_directories(r.out_dir, ec);
  if (!fs::is_directory(r.out_dir)) throw input_error("cannot create output directory '" + r.out_dir + "'");

  std::vector<std::string> metric_lines;
  std::vector<report_point> loss_curve;
  std::vector<report_eval> evals;
  std::string loss_csv = "iteration,loss,log_z_learned,batch_elbo\n";

  nlohmann::json stored = r.config;
  stored.erase("iterations");
  if (r.resume) {
    if (!fs::exists(model_path)) throw input_error("--resume: no checkpoint '" + model_path + "'");
    const model_file f = parse_model(read_file(model_path, "model file"), model_path);
    const model_config mc = read_model_config(f.header, model_path);
    if (mc.dim != tgt->dim())
      throw input_error("model file '" + model_path + "' is for dimension " + std::to_string(mc.dim) +
                        "; the config's target has dimension " + std::to_string(tgt->dim()));
    nlohmann::json previous;
    try {
      previous = nlohmann::json::parse(f.header.at("config"));
    } catch (const std::exception&) {
      throw input_error("model file '" + model_path + "' has no readable training config");
    }
    previous.erase("iterations");
    if (previous != stored)
      throw input_error("--resume: the config differs from the checkpoint's (only 'iterations' may change)");
    if (!f.has_optimiser) throw input_error("model file '" + model_path + "' holds no optimiser state to resume from");
    load_parameters(f, tr.model(), model_path);
    tr.optimiser() = f.optimiser;
    if (settings.buffer.capacity > 0) {  // the replay buffers as checkpointed beside the model
      const int cols = tgt->dim() + 1;
      auto rows_of = [&](const std::string& path) {
        if (!fs::exists(path)) throw input_error("--resume: no replay buffer '" + path + "' beside the checkpoint");
        const npy_array a = read_npy(path);
        if (a.rows > 0 && a.cols != static_cast<std::size_t>(cols))
          throw input_error("'" + path + "' has " + std::to_string(a.cols) + " columns; expected " + std::to_string(cols));
        return a.data;
      };
      const std::vector<float> main_rows = rows_of(buffer_path);
      const std::vector<float> search_rows =
          settings.local_search.every > 0 ? rows_of(search_buffer_path) : std::vector<float>{};
      const double step = f.header.count("search_step") ? std::stod(f.header.at("search_step"))
                                                        : settings.local_search.step_size;
      tr.restore_buffers(main_rows, search_rows, step);
    }
    tr.push();
    const long it = std::stol(f.header.at("iteration"));
    tr.set_iteration(it);
    // keep the history up to the checkpoint
    std::ifstream ml(metrics_path);
    for (std::string line; std::getline(ml, line);) {
      if (line.empty()) continue;
      const auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.contains("iteration")) throw input_error("'" + metrics_path + "' is malformed");
      if (j["iteration"].get<long>() > it) break;
      metric_lines.push_back(line);
      evals.push_back({j["iteration"].get<long>(), j.value("elbo", NAN), j.value("log_z_rw", NAN),
                       j.value("log_z_learned", NAN), j.contains("eubo") && j["eubo"].is_number() ? j["eubo"].get<double>() : NAN});
    }
    std::ifstream lc(loss_path);
    std::string line;
    std::getline(lc, line);
    while (std::getline(lc, line)) {
      report_point p{};
      if (std::sscanf(line.c_str(), "%ld,%lf,%lf,%lf", &p.iteration, &p.loss, &p.log_z, &p.elbo) != 4)
        throw input_error("'" + loss_path + "' is malformed");
      if (p.iteration > it) break;
      loss_curve.push_back(p);
      loss_csv += line + "\n";
    }
  }

  const std::vector<float> reference = reference_samples(*tgt, r.eval_samples, settings.seed + kReferenceSeedOffset);
  const double log_z_true = tgt->log_normaliser() ? *tgt->log_normaliser() : NAN;
  auto header = [&](long iteration) {
    std::map<std::string, std::string> h;
    write_model_config(tr.model().config, h);
    h["format"] = "dmt-model";
    h["iteration"] = std::to_string(iteration);
    h["target"] = r.target.dump();
    nlohmann::json cfg = r.config;
    h["config"] = cfg.dump();
    if (tr.search_buffer()) {
      char b[32];
      std::snprintf(b, sizeof b, "%.17g", tr.search_step_size());
      h["search_step"] = b;
    }
    return h;
  };
  auto write_text = [](const std::string& path, const std::string& text) {
    atomic_file f(path);
    f.write(text);
    f.commit();
  };
  long last_checkpoint = -1;
  auto checkpoint = [&]() {
    tr.pull();
    std::string lines;
    for (const auto& l : metric_lines) lines += l + "\n";
    write_text(metrics_path, lines);
    write_text(loss_path, loss_csv);
    // the buffers first: the model file's iteration is what a resume starts from
    if (const replay_buffer* b = tr.buffer()) {
      const auto rows = trainer::buffer_rows(*b);
      write_npy(buffer_path, rows.data(), b->size(), static_cast<std::size_t>(b->dim() + 1));
    }
    if (const replay_buffer* b = tr.search_buffer()) {
      const auto rows = trainer::buffer_rows(*b);
      write_npy(search_buffer_path, rows.data(), b->size(), static_cast<std::size_t>(b->dim() + 1));
    }
    write_text(model_path, serialize_model(header(tr.iteration()), tr.model().store, &tr.optimiser()));
    last_checkpoint = tr.iteration();
  };
  evaluation last_eval;
  long last_eval_iteration = -1;
  auto run_evaluation = [&](double window_loss) {
    const auto t0 = std::chrono::steady_clock::now();
    tr.pull();
    last_eval = evaluate_sampler(tr.model(), *tgt, r.eval_samples, r.eval_steps, settings.seed + kReferenceSeedOffset,
                                 reference, pool);
    nlohmann::ordered_json j;
    j["iteration"] = tr.iteration();
    j["loss"] = number_or_null(window_loss);
    const auto ej = evaluation_json(last_eval);
    for (const auto& [k, v] : ej.items()) j[k] = v;
    j["eval_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    metric_lines.push_back(j.dump());
    evals.push_back({tr.iteration(), last_eval.elbo, last_eval.log_z_rw, last_eval.log_z_learned, last_eval.eubo});
    last_eval_iteration = tr.iteration();
  };

  if (!r.resume) checkpoint();  // iteration 0: there is always a last good checkpoint
  else last_checkpoint = tr.iteration();
  progress_bar bar(settings.iterations - tr.iteration(), "train " + tname);
  const long start = tr.iteration();
  double window = 0, window_logz = 0, window_elbo = 0, eval_window = 0;
  long window_n = 0, eval_n = 0;
  const auto t_start = std::chrono::steady_clock::now();
  while (tr.iteration() < settings.iterations) {
    iteration_stats st;
    try {
      st = tr.step();
    } catch (const training_diverged& e) {
      bar.finish();
      throw input_error(std::string(e.what()) + "; training stopped, the last good checkpoint (iteration " +
                        std::to_string(last_checkpoint) + ") is in '" + model_path + "'");
    }
    window += st.loss;
    window_logz += st.log_z;
    window_elbo += st.mean_log_w;
    eval_window += st.loss;
    ++window_n;
    ++eval_n;
    const long it = tr.iteration();
    if (it % r.log_every == 0) {
      report_point p{it, window / window_n, window_logz / window_n, window_elbo / window_n};
      loss_curve.push_back(p);
      loss_csv += std::to_string(it) + "," + fmt(p.loss) + "," + fmt(p.log_z) + "," + fmt(p.elbo) + "\n";
      window = window_logz = window_elbo = 0;
      window_n = 0;
    }
    if (r.eval_every > 0 && it % r.eval_every == 0) {
      run_evaluation(eval_window / eval_n);
      eval_window = 0;
      eval_n = 0;
    }
    if (r.checkpoint_every > 0 && it % r.checkpoint_every == 0) checkpoint();
    bar.set_status("loss " + fmt(st.loss) + "  log Z " + fmt(st.log_z) +
                   (std::isfinite(log_z_true) ? " (true " + fmt(log_z_true) + ")" : ""));
    bar.update(it - start);
  }
  bar.finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  if (last_eval_iteration != tr.iteration()) run_evaluation(eval_n > 0 ? eval_window / eval_n : NAN);
  checkpoint();
  write_npy(samples_path, last_eval.x.data(), static_cast<std::size_t>(last_eval.samples),
            static_cast<std::size_t>(tgt->dim()));
  write_text(report_path, training_report_svg(*tgt, last_eval.x.data(), last_eval.samples, loss_curve, evals,
                                              log_z_true, "dmt train: " + tname));
  const long done = tr.iteration() - start;
  const std::string where = r.device == "cuda" ? "on the GPU, " + std::to_string(tr.device_memory() >> 20) +
                                                     " MiB of device memory"
                                               : std::to_string(pool.threads()) + " threads";
  std::fprintf(stderr, "trained %ld iterations in %.1f s (%.2f ms/iteration, %s); final: %s\n", done, seconds,
               done > 0 ? 1e3 * seconds / done : 0.0, where.c_str(), metric_lines.back().c_str());
  std::fprintf(stderr, "wrote %s, %s, %s, %s, %s\n", model_path.c_str(), metrics_path.c_str(), loss_path.c_str(),
               samples_path.c_str(), report_path.c_str());
}

nlohmann::ordered_json run_eval(const std::string& model_path, int samples, int steps, std::uint64_t seed, int threads) {
  auto m = load_model(model_path);
  if (samples <= 1) throw input_error("--samples must be at least 2");
  const int T = steps > 0 ? steps : static_cast<int>(m.train_config.value("steps", 100));
  thread_pool pool(thread_count(threads));
  const auto reference = reference_samples(*m.tgt, samples, seed + kReferenceSeedOffset);
  const auto ev = evaluate_sampler(*m.model, *m.tgt, samples, T, seed + kReferenceSeedOffset, reference, pool);
  nlohmann::ordered_json j;
  j["model"] = model_path;
  j["iteration"] = std::stol(m.file.header.count("iteration") ? m.file.header.at("iteration") : "0");
  j["target"] = m.target_json;
  const auto ej = evaluation_json(ev);
  for (const auto& [k, v] : ej.items()) j[k] = v;
  return j;
}

void run_model_sample(const std::string& model_path, long particles, int steps, std::uint64_t seed, int threads,
                      const std::string& out) {
  if (particles <= 0) throw input_error("particle count must be positive (got " + std::to_string(particles) + ")");
  if (particles > 2000000000L) throw input_error("at most 2e9 particles");
  auto m = load_model(model_path);
  const int T = steps > 0 ? steps : static_cast<int>(m.train_config.value("steps", 100));
  if (T >= 65536) throw input_error("at most 65535 steps");
  std::unique_ptr<atomic_file> file;
  if (!out.empty()) file = std::make_unique<atomic_file>(out);
  thread_pool pool(thread_count(threads));
  const int d = m.config.dim;
  const auto grid = make_time_grid(time_grid_spec{grid_kind::uniform, T, {}}, make_philox_key(seed), 0);
  std::vector<float> x(static_cast<std::size_t>(particles) * d);
  const reward<float> reward = target_reward(*m.tgt, pool);
  constexpr long kChunk = 16384;  // particles per pass (memory); the noise is keyed by the particle index
  trajectory_batch<float> traj;
  progress_bar bar(particles, "sample model");
  for (long p0 = 0; p0 < particles; p0 += kChunk) {
    const int nb = static_cast<int>(std::min(kChunk, particles - p0));
    simulate_forward(*m.model, grid, nb, trajectory_rng{make_philox_key(seed), 0, 3, static_cast<std::uint32_t>(p0)},
                     reward, false, traj, 0.0, pool);
    std::copy(traj.state(T), traj.state(T) + static_cast<std::ptrdiff_t>(nb) * d, x.begin() + p0 * d);
    bar.update(p0 + nb);
  }
  bar.finish();
  for (float v : x)
    if (!std::isfinite(v)) throw input_error("the model produced non-finite samples");
  if (file) {
    file->write(npy_bytes(x.data(), static_cast<std::size_t>(particles), static_cast<std::size_t>(d)));
    file->commit();
  }
}

}  // namespace dmt
