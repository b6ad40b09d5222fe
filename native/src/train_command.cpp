#include "dmt/native/train_command.hpp"

#include <chrono>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "dmt/config/evaluation_json.hpp"
#include "dmt/config/json_params.hpp"
#include "dmt/diffusion/evaluation_warnings.hpp"
#include "dmt/fnv1a.hpp"
#include "dmt/native/atomic_file.hpp"
#include "dmt/native/device_sampler.hpp"
#include "dmt/native/npy.hpp"
#include "dmt/native/progress_bar.hpp"
#include "dmt/native/report_svg.hpp"
#include "dmt/native/thread_pool.hpp"
#include "dmt/native/trained_model.hpp"
#include "dmt/nn/model_file.hpp"
#include "dmt/targets/registry.hpp"

namespace dmt {
namespace {

std::string fmt(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

void write_text(const std::string& path, const std::string& text) {
  atomic_file f(path);
  f.write(text);
  f.commit();
}

std::string digest(const std::string& bytes) {
  char b[24];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(fnv1a(bytes.data(), bytes.size())));
  return b;
}

// The files of a training run in its output directory.
struct run_paths {
  explicit run_paths(const std::string& dir) {
    namespace fs = std::filesystem;
    auto in = [&](const char* name) { return (fs::path(dir) / name).string(); };
    model = in("model.dmt");
    metrics = in("metrics.jsonl");
    loss = in("loss.csv");
    samples = in("samples.npy");
    report = in("report.svg");
    buffer = in("buffer.npy");
    search_buffer = in("search_buffer.npy");
  }
  std::string model, metrics, loss, samples, report, buffer, search_buffer;
};

// Loss-curve and evaluation averages over the iterations since they were last written; checkpointed
// (exactly, as %.17g) so that a resumed run writes the same averages as an uninterrupted one.
struct running_mean {
  double loss = 0, log_z = 0, elbo = 0;
  long n = 0;
  void add(const iteration_stats& s) {
    loss += s.loss;
    log_z += s.log_z;
    elbo += s.mean_log_w;
    ++n;
  }
  std::string str() const {
    char b[128];
    std::snprintf(b, sizeof b, "%.17g,%.17g,%.17g,%ld", loss, log_z, elbo, n);
    return b;
  }
  static running_mean parse(const std::string& v, const std::string& source) {
    running_mean m;
    if (std::sscanf(v.c_str(), "%lf,%lf,%lf,%ld", &m.loss, &m.log_z, &m.elbo, &m.n) != 4 || m.n < 0)
      throw input_error("model file '" + source + "' has a malformed running mean '" + v + "'");
    return m;
  }
};

// One `dmt train` run: owns the output paths, the trainer, the history written beside the model
// (metrics.jsonl, loss.csv), checkpoints, resumption and the evaluation cadence.
class training_session {
 public:
  explicit training_session(const train_request& r);
  // Continues from the checkpoint in the output directory (--resume): model, optimiser, replay
  // buffers, iteration and the history up to it.
  void resume();
  // Iterations up to the configured count, with loss-curve points, evaluations and checkpoints.
  void train();
  // The last evaluation and checkpoint, samples.npy, report.svg and the summary on stderr.
  std::vector<std::string> finish();  // the final evaluation's warnings

 private:
  void checkpoint();
  // `record`: append the metrics line (false re-creates the samples of an evaluation already in the history)
  void evaluate(double window_loss, bool record = true);
  std::map<std::string, std::string> header(long iteration) const;
  void restore_buffers(const model_file& f);
  std::string buffer_bytes(const model_file& f, const std::string& path, const char* digest_key) const;
  void restore_history(long iteration);
  void remove_stale_temporaries() const;

  const train_request& r_;
  run_paths paths_;
  std::unique_ptr<target> target_;
  train_settings settings_;
  thread_pool pool_;
  std::unique_ptr<trainer> trainer_;
  std::vector<std::string> metric_lines_;
  std::vector<report_point> loss_curve_;
  std::vector<report_eval> evals_;
  std::string loss_csv_ = "iteration,loss,log_z_learned,batch_elbo\n";
  std::vector<float> reference_;
  double log_z_true_ = NAN;
  long last_checkpoint_ = -1, last_eval_iteration_ = -1, start_ = 0;
  evaluation last_eval_;
  double seconds_ = 0;
  running_mean curve_, eval_window_;
};

training_session::training_session(const train_request& r)
    : r_(r),
      paths_(r.out_dir),
      target_(make_target(r.target["name"].get<std::string>(), params_from_json(r.target, "target", {"name"}))),
      settings_(r.settings),
      pool_(thread_count(r.threads)) {
  settings_.model.dim = target_->dim();
  trainer_ = make_trainer_on(r.device, settings_, *target_, pool_);
  // only now that the config is known to be usable
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(r.out_dir, ec);
  if (!fs::is_directory(r.out_dir)) throw input_error("cannot create output directory '" + r.out_dir + "'");
  // before any write, fresh or resumed: a run killed inside a write (also inside its first checkpoint,
  // which leaves no model file, so the next attempt is not a resume) leaves its temporaries behind
  remove_stale_temporaries();
}

void training_session::resume() {
  namespace fs = std::filesystem;
  if (!fs::exists(paths_.model)) throw input_error("--resume: no checkpoint '" + paths_.model + "'");
  const model_file f = parse_model(read_text_file(paths_.model, "model file"), paths_.model);
  const model_config mc = read_model_config(f, paths_.model);
  if (mc.dim != target_->dim())
    throw input_error("model file '" + paths_.model + "' is for dimension " + std::to_string(mc.dim) +
                      "; the config's target has dimension " + std::to_string(target_->dim()));
  nlohmann::json previous;
  try {
    previous = nlohmann::json::parse(f.header.at("config"));
  } catch (const std::exception&) {
    throw input_error("model file '" + paths_.model + "' has no readable training config");
  }
  nlohmann::json stored = r_.config;
  stored.erase("iterations");
  previous.erase("iterations");
  if (previous != stored)
    throw input_error("--resume: the config differs from the checkpoint's (only 'iterations' may change)");
  const long it = std::stol(f.header.at("iteration"));
  // the checkpoint at iteration 0 precedes Adam's first step, whose state is then still empty: it is
  // written without one, and resuming from it starts the optimiser afresh, as the uninterrupted run did
  if (!f.has_optimiser && it != 0)
    throw input_error("model file '" + paths_.model + "' holds no optimiser state to resume from");
  trainer& tr = *trainer_;
  load_parameters(f, tr.model(), paths_.model);
  if (f.has_optimiser) tr.optimiser() = f.optimiser;
  if (settings_.buffer.capacity > 0) restore_buffers(f);
  tr.push();
  tr.set_iteration(it);
  if (f.header.count("window_curve")) curve_ = running_mean::parse(f.header.at("window_curve"), paths_.model);
  if (f.header.count("window_eval")) eval_window_ = running_mean::parse(f.header.at("window_eval"), paths_.model);
  restore_history(it);
}

// What a run killed in the middle of a write leaves: '<output>.tmp-XXXXXX' (see atomic_file).
void training_session::remove_stale_temporaries() const {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path dir = fs::path(paths_.model).parent_path();
  std::vector<std::string> outputs;
  for (const auto* p : {&paths_.model, &paths_.metrics, &paths_.loss, &paths_.samples, &paths_.report, &paths_.buffer,
                        &paths_.search_buffer}) {
    outputs.push_back(fs::path(*p).filename().string() + ".tmp-");
    outputs.push_back(fs::path(*p).filename().string() + ".next.tmp-");
  }
  for (const auto& e : fs::directory_iterator(dir.empty() ? fs::path(".") : dir, ec)) {
    const std::string name = e.path().filename().string();
    for (const auto& prefix : outputs)
      if (name.size() == prefix.size() + 6 && name.compare(0, prefix.size(), prefix) == 0) fs::remove(e.path(), ec);
  }
}

// The replay buffers as checkpointed beside the model.
void training_session::restore_buffers(const model_file& f) {
  namespace fs = std::filesystem;
  const int cols = target_->dim() + 1;
  auto rows_of = [&](const std::string& path) {
    const npy_array a = npy_array_from_bytes(buffer_bytes(f, path, path == paths_.buffer ? "buffer_digest" : "search_buffer_digest"), path);
    if (a.rows > 0 && a.cols != static_cast<std::size_t>(cols))
      throw input_error("'" + path + "' has " + std::to_string(a.cols) + " columns; expected " + std::to_string(cols));
    return a.data;
  };
  const std::vector<float> main_rows = rows_of(paths_.buffer);
  const std::vector<float> search_rows =
      settings_.local_search.every > 0 ? rows_of(paths_.search_buffer) : std::vector<float>{};
  const double step =
      f.header.count("search_step") ? std::stod(f.header.at("search_step")) : settings_.local_search.step_size;
  trainer_->restore_buffers(main_rows, search_rows, step);
}

// The bytes of the replay buffer that belongs to the checkpoint: the model file records its digest;
// it is either in place or still staged as '<path>.next' (a run killed between the model file's
// rename and the buffer's), which is then moved into place.
std::string training_session::buffer_bytes(const model_file& f, const std::string& path, const char* digest_key) const {
  namespace fs = std::filesystem;
  const std::string staged = path + ".next";
  if (!fs::exists(path) && !fs::exists(staged))
    throw input_error("--resume: no replay buffer '" + path + "' beside the checkpoint");
  if (!f.header.count(digest_key)) return read_text_file(path, "replay buffer");  // a model file from before digests
  const std::string& want = f.header.at(digest_key);
  if (fs::exists(path)) {
    std::string bytes = read_text_file(path, "replay buffer");
    if (digest(bytes) == want) return bytes;
  }
  if (fs::exists(staged)) {
    std::string bytes = read_text_file(staged, "replay buffer");
    if (digest(bytes) == want) {
      if (std::rename(staged.c_str(), path.c_str()) != 0)
        throw input_error("cannot write '" + path + "': " + std::strerror(errno));
      return bytes;
    }
  }
  throw input_error("--resume: '" + path + "' is not the replay buffer of the checkpoint '" + paths_.model +
                    "' (its digest differs)");
}

// metrics.jsonl and loss.csv up to the checkpoint's iteration.
void training_session::restore_history(long it) {
  std::ifstream ml(paths_.metrics);
  for (std::string line; std::getline(ml, line);) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("iteration")) throw input_error("'" + paths_.metrics + "' is malformed");
    if (j["iteration"].get<long>() > it) break;
    if (j["iteration"].get<long>() == it) last_eval_iteration_ = it;  // its samples are re-created by finish()
    metric_lines_.push_back(line);
    evals_.push_back({j["iteration"].get<long>(), j.value("elbo", NAN), j.value("log_z_rw", NAN),
                      j.value("log_z_learned", NAN),
                      j.contains("eubo") && j["eubo"].is_number() ? j["eubo"].get<double>() : NAN});
  }
  std::ifstream lc(paths_.loss);
  std::string line;
  std::getline(lc, line);
  while (std::getline(lc, line)) {
    report_point p{};
    if (std::sscanf(line.c_str(), "%ld,%lf,%lf,%lf", &p.iteration, &p.loss, &p.log_z, &p.elbo) != 4)
      throw input_error("'" + paths_.loss + "' is malformed");
    if (p.iteration > it) break;
    loss_curve_.push_back(p);
    loss_csv_ += line + "\n";
  }
}

std::map<std::string, std::string> training_session::header(long iteration) const {
  std::map<std::string, std::string> h;
  write_model_config(trainer_->model().config, h);
  h["format"] = "dmt-model";
  h["iteration"] = std::to_string(iteration);
  h["target"] = r_.target.dump();
  h["config"] = r_.config.dump();
  h["window_curve"] = curve_.str();
  h["window_eval"] = eval_window_.str();
  if (trainer_->search_buffer()) {
    char b[32];
    std::snprintf(b, sizeof b, "%.17g", trainer_->search_step_size());
    h["search_step"] = b;
  }
  return h;
}

// A checkpoint spans several files and the model file is its commit point. metrics.jsonl and
// loss.csv go first (a resume keeps their lines up to the model's iteration); the buffers are staged
// as '<name>.next', the model file records their digests, and only then are they renamed into place.
// Killed at any moment, the directory holds the previous model with its buffers or the new model
// with its buffers, in place or staged (resume() finishes the move). Every file is written through
// atomic_file (temporary, fsync, rename), so a failed write (a full disk) leaves the previous one.
void training_session::checkpoint() {
  trainer& tr = *trainer_;
  tr.pull();
  std::string lines;
  for (const auto& l : metric_lines_) lines += l + "\n";
  write_text(paths_.metrics, lines);
  write_text(paths_.loss, loss_csv_);
  std::map<std::string, std::string> h = header(tr.iteration());
  std::vector<const std::string*> staged;
  for (const auto& [b, path, key] : {std::tuple{tr.buffer(), &paths_.buffer, "buffer_digest"},
                                     std::tuple{tr.search_buffer(), &paths_.search_buffer, "search_buffer_digest"}})
    if (b) {
      const auto rows = trainer::buffer_rows(*b);
      const std::string bytes = npy_bytes(rows.data(), b->size(), static_cast<std::size_t>(b->dim() + 1));
      write_text(*path + ".next", bytes);
      h[key] = digest(bytes);
      staged.push_back(path);
    }
  write_text(paths_.model, serialize_model(h, tr.model().store, &tr.optimiser()));
  for (const std::string* path : staged)
    if (std::rename((*path + ".next").c_str(), path->c_str()) != 0)
      throw input_error("cannot write '" + *path + "': " + std::strerror(errno));
  last_checkpoint_ = tr.iteration();
}

void training_session::evaluate(double window_loss, bool record) {
  const auto t0 = std::chrono::steady_clock::now();
  trainer& tr = *trainer_;
  tr.pull();
  last_eval_ = evaluate_sampler(tr.model(), *target_, r_.eval_samples, r_.eval_steps,
                                settings_.seed + kReferenceSeedOffset, reference_, pool_);
  if (!record) return;
  nlohmann::ordered_json j;
  j["iteration"] = tr.iteration();
  j["loss"] = number_or_null(window_loss);
  j.update(evaluation_json(last_eval_));
  j["eval_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  metric_lines_.push_back(j.dump());
  evals_.push_back({tr.iteration(), last_eval_.elbo, last_eval_.log_z_rw, last_eval_.log_z_learned, last_eval_.eubo});
  last_eval_iteration_ = tr.iteration();
}

void training_session::train() {
  trainer& tr = *trainer_;
  reference_ = reference_samples(*target_, r_.eval_samples, settings_.seed + kReferenceSeedOffset);
  log_z_true_ = target_->log_normaliser() ? *target_->log_normaliser() : NAN;
  if (!r_.resume)
    checkpoint();  // iteration 0: there is always a last good checkpoint
  else
    last_checkpoint_ = tr.iteration();
  progress_bar bar(settings_.iterations - tr.iteration(), "train " + r_.target["name"].get<std::string>());
  start_ = tr.iteration();
  const auto t_start = std::chrono::steady_clock::now();
  while (tr.iteration() < settings_.iterations) {
    iteration_stats st;
    try {
      st = tr.step();
    } catch (const training_diverged& e) {
      bar.finish();
      throw input_error(std::string(e.what()) + "; training stopped, the last good checkpoint (iteration " +
                        std::to_string(last_checkpoint_) + ") is in '" + paths_.model + "'");
    }
    curve_.add(st);
    eval_window_.add(st);
    const long it = tr.iteration();
    if (it % r_.log_every == 0) {
      const report_point p{it, curve_.loss / curve_.n, curve_.log_z / curve_.n, curve_.elbo / curve_.n};
      loss_curve_.push_back(p);
      loss_csv_ += std::to_string(it) + "," + fmt(p.loss) + "," + fmt(p.log_z) + "," + fmt(p.elbo) + "\n";
      curve_ = {};
    }
    if (r_.eval_every > 0 && it % r_.eval_every == 0) {
      evaluate(eval_window_.loss / eval_window_.n);
      eval_window_ = {};
    }
    if (r_.checkpoint_every > 0 && it % r_.checkpoint_every == 0) checkpoint();
    bar.set_status("loss " + fmt(st.loss) + "  log Z " + fmt(st.log_z) +
                   (std::isfinite(log_z_true_) ? " (true " + fmt(log_z_true_) + ")" : ""));
    bar.update(it - start_);
  }
  bar.finish();
  seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
}

std::vector<std::string> training_session::finish() {
  trainer& tr = *trainer_;
  if (last_eval_iteration_ != tr.iteration())
    evaluate(eval_window_.n > 0 ? eval_window_.loss / eval_window_.n : NAN);
  else if (last_eval_.samples == 0)  // resumed after the final evaluation: its samples again, same seed
    evaluate(NAN, false);
  checkpoint();
  const int d = target_->dim();
  write_npy(paths_.samples, last_eval_.x.data(), static_cast<std::size_t>(last_eval_.samples),
            static_cast<std::size_t>(d));
  write_text(paths_.report, training_report_svg(*target_, last_eval_.x.data(), last_eval_.samples, loss_curve_, evals_,
                                                log_z_true_, "dmt train: " + r_.target["name"].get<std::string>()));
  const long done = tr.iteration() - start_;
  const std::string where = r_.device == "cuda"
                                ? "on the GPU, " + std::to_string(tr.device_memory() >> 20) + " MiB of device memory"
                                : std::to_string(pool_.threads()) + " threads";
  std::fprintf(stderr, "trained %ld iterations in %.1f s (%.2f ms/iteration, %s); final: %s\n", done, seconds_,
               done > 0 ? 1e3 * seconds_ / done : 0.0, where.c_str(), metric_lines_.back().c_str());
  std::fprintf(stderr, "wrote %s, %s, %s, %s, %s\n", paths_.model.c_str(), paths_.metrics.c_str(), paths_.loss.c_str(),
               paths_.samples.c_str(), paths_.report.c_str());
  return evaluation_warnings(last_eval_);
}

}  // namespace

train_request read_train_config(const std::string& path) {
  nlohmann::json c;
  try {
    c = nlohmann::json::parse(read_text_file(path, "config"));
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for a number past double
    throw input_error("malformed JSON in '" + path + "': " + e.what());
  }
  return parse_train_config(c, "'" + path + "'");
}

std::vector<std::string> run_train(const train_request& r) {
  if (r.out_dir.empty()) throw input_error("no output directory given (--out)");
  training_session session(r);
  if (r.resume) session.resume();
  session.train();
  return session.finish();
}

}  // namespace dmt
