#include "dmt/config/train_config.hpp"

#include <algorithm>
#include <cmath>

#include "dmt/params.hpp"

namespace dmt {
namespace {

double number_at(const nlohmann::json& c, const std::string& key, const std::string& where) {
  if (!c[key].is_number()) throw input_error("config key '" + key + "' in " + where + " must be a number");
  const double v = c[key].get<double>();
  if (!std::isfinite(v)) throw input_error("config key '" + key + "' in " + where + " must be finite");
  return v;
}

long integer_at(const nlohmann::json& c, const std::string& key, const std::string& where) {
  if (c[key].is_boolean()) throw input_error("config key '" + key + "' in " + where + " must be an integer");
  const double v = number_at(c, key, where);
  if (v != std::floor(v) || std::abs(v) > 9e15)
    throw input_error("config key '" + key + "' in " + where + " must be an integer");
  return static_cast<long>(v);
}

bool flag_at(const nlohmann::json& c, const std::string& key, const std::string& where) {
  if (c[key].is_boolean()) return c[key].get<bool>();
  const long v = integer_at(c, key, where);
  if (v != 0 && v != 1) throw input_error("config key '" + key + "' in " + where + " must be true or false");
  return v != 0;
}

void check_keys(const nlohmann::json& c, const std::vector<std::string>& known, const std::string& where) {
  for (auto it = c.begin(); it != c.end(); ++it)
    if (std::find(known.begin(), known.end(), it.key()) == known.end())
      throw input_error("unknown config key '" + it.key() + "' in " + where);
}

// "target" (a name or {"name", parameters}) and sigma2, whose default depends on it.
void parse_target_section(const nlohmann::json& c, const std::string& where, train_request& r,
                          nlohmann::ordered_json& n) {
  if (!c.contains("target")) throw input_error("config " + where + " names no target");
  r.target = c["target"].is_string() ? nlohmann::json{{"name", c["target"]}} : c["target"];
  if (!r.target.is_object() || !r.target.contains("name") || !r.target["name"].is_string())
    throw input_error("config key 'target' in " + where + " must be a name or an object with a \"name\"");
  n["target"] = r.target;
  const std::string tname = r.target["name"].get<std::string>();
  auto& s = r.settings;
  s.model.sigma2 = c.contains("sigma2") ? number_at(c, "sigma2", where) : (tname == "gmm25" ? 5.0 : 1.0);
  if (!(s.model.sigma2 > 0)) throw input_error("sigma2 must be positive");
  n["sigma2"] = s.model.sigma2;
}

// T and the time grid.
void parse_grid_section(const nlohmann::json& c, const std::string& where, train_request& r,
                        nlohmann::ordered_json& n) {
  auto& s = r.settings;
  s.grid.steps = c.contains("steps") ? static_cast<int>(integer_at(c, "steps", where)) : s.grid.steps;
  if (c.contains("grid")) {
    const auto& g = c["grid"];
    if (g.is_string()) {
      s.grid.kind = parse_grid_kind(g.get<std::string>());
      if (s.grid.kind == grid_kind::given)
        throw input_error("grid 'given' needs the list of times as the value of 'grid'");
    } else if (g.is_array()) {
      s.grid.kind = grid_kind::given;
      for (const auto& v : g) {
        if (!v.is_number()) throw input_error("config key 'grid' must be \"uniform\", \"random\" or a list of times");
        s.grid.times.push_back(v.get<double>());
      }
      validate_time_grid(s.grid);
      if (c.contains("steps") && s.grid.steps != grid_steps(s.grid))
        throw input_error("'steps' (" + std::to_string(s.grid.steps) + ") disagrees with the given grid's " +
                          std::to_string(grid_steps(s.grid)) + " steps");
      s.grid.steps = grid_steps(s.grid);
    } else {
      throw input_error("config key 'grid' must be \"uniform\", \"random\" or a list of times");
    }
  }
  validate_time_grid(s.grid);
  if (s.grid.steps >= 65536) throw input_error("at most 65535 time steps are supported");
  n["steps"] = s.grid.steps;
  n["grid"] =
      s.grid.kind == grid_kind::given ? nlohmann::json(s.grid.times) : nlohmann::json(grid_kind_name(s.grid.kind));
}

// batch, iterations and seed.
void parse_batch_section(const nlohmann::json& c, const std::string& where, train_request& r,
                         nlohmann::ordered_json& n) {
  auto& s = r.settings;
  s.batch = c.contains("batch") ? static_cast<int>(integer_at(c, "batch", where)) : s.batch;
  if (s.batch <= 0) throw input_error("batch must be positive (got " + std::to_string(s.batch) + ")");
  n["batch"] = s.batch;
  s.iterations = c.contains("iterations") ? integer_at(c, "iterations", where) : s.iterations;
  if (s.iterations < 0) throw input_error("iterations must be non-negative");
  n["iterations"] = s.iterations;
  const long seed = c.contains("seed") ? integer_at(c, "seed", where) : static_cast<long>(s.seed);
  if (seed < 0) throw input_error("seed must be non-negative");
  s.seed = static_cast<std::uint64_t>(seed);
  n["seed"] = seed;
}

// the losses, defaults from the registry (parse_loss).
void parse_loss_section(const nlohmann::json& c, const std::string& where, train_request& r,
                        nlohmann::ordered_json& n) {
  auto& s = r.settings;
  s.losses.clear();
  if (c.contains("losses")) {
    if (!c["losses"].is_array() || c["losses"].empty())
      throw input_error("config key 'losses' must be a non-empty list of loss names or objects");
    for (const auto& l : c["losses"]) {
      loss_spec spec;
      if (l.is_string()) {
        spec = parse_loss(l.get<std::string>(), params());
      } else if (l.is_object() && l.contains("name") && l["name"].is_string()) {
        check_keys(l, {"name", "weight", "lambda"}, "a loss of " + where);
        const std::string name = l["name"].get<std::string>();
        params given;
        if (l.contains("weight")) given.set("weight", number_at(l, "weight", where));
        if (l.contains("lambda")) {
          given.set("lambda", number_at(l, "lambda", where));
          if (!(given.number("lambda") > 0)) throw input_error("subtb's lambda must be positive");
        }
        parse_loss_kind(name);  // "unknown loss 'x' (tb, ...)" before any parameter complaint
        spec = parse_loss(name, given);
      } else {
        throw input_error("each loss must be a name or an object with a \"name\"");
      }
      s.losses.push_back(spec);
    }
  } else {
    s.losses.push_back(parse_loss("tb", params()));
  }
  n["losses"] = nlohmann::json::array();
  for (const auto& l : s.losses) {
    nlohmann::ordered_json lj{{"name", loss_name(l.kind)}, {"weight", l.weight}};
    if (l.kind == loss_kind::subtb) lj["lambda"] = l.lambda;
    n["losses"].push_back(lj);
  }
}

// Adam / AdamW and their learning rates.
void parse_optimiser_section(const nlohmann::json& c, const std::string& where, train_request& r,
                             nlohmann::ordered_json& n) {
  auto& s = r.settings;
  s.optimiser.lr = c.contains("lr") ? number_at(c, "lr", where) : s.optimiser.lr;
  s.optimiser.group_lr["log_z"] = c.contains("lr_log_z") ? number_at(c, "lr_log_z", where) : 0.1;
  s.optimiser.group_lr["flow"] = c.contains("lr_flow") ? number_at(c, "lr_flow", where) : 1e-3;
  if (!(s.optimiser.lr > 0) || !(s.optimiser.group_lr["log_z"] > 0) || !(s.optimiser.group_lr["flow"] > 0))
    throw input_error("learning rates must be positive");
  n["lr"] = s.optimiser.lr;
  n["lr_log_z"] = s.optimiser.group_lr["log_z"];
  n["lr_flow"] = s.optimiser.group_lr["flow"];
  const std::string opt =
      c.contains("optimizer") ? (c["optimizer"].is_string() ? c["optimizer"].get<std::string>() : "?") : "adam";
  if (opt != "adam" && opt != "adamw") throw input_error("unknown optimizer '" + opt + "' (adam, adamw)");
  s.optimiser.decoupled = opt == "adamw";
  n["optimizer"] = opt;
  s.optimiser.weight_decay =
      c.contains("weight_decay") ? number_at(c, "weight_decay", where) : s.optimiser.weight_decay;
  s.optimiser.clip_norm = c.contains("grad_clip") ? number_at(c, "grad_clip", where) : s.optimiser.clip_norm;
  if (s.optimiser.weight_decay < 0 || s.optimiser.clip_norm < 0)
    throw input_error("weight_decay and grad_clip must be non-negative");
  n["weight_decay"] = s.optimiser.weight_decay;
  n["grad_clip"] = s.optimiser.clip_norm;
}

// "network": the policy (and flow, Langevin, learned-backward) network.
void parse_network_section(const nlohmann::json& c, const std::string& where, train_request& r,
                           nlohmann::ordered_json& n) {
  auto& s = r.settings;
  nlohmann::json net = c.contains("network") ? c["network"] : nlohmann::json::object();
  if (!net.is_object()) throw input_error("config key 'network' must be an object");
  const std::string nwhere = "'network' of " + where;
  check_keys(net,
             {"hidden", "harmonics", "layers", "activation", "learned_variance", "log_var_range", "forward_looking",
              "langevin", "lgv_layers", "lgv_clip", "drift_clip", "learned_backward", "pb_scale_range"},
             nwhere);
  auto& m = s.model;
  if (net.contains("hidden")) m.hidden = static_cast<int>(integer_at(net, "hidden", nwhere));
  if (net.contains("harmonics")) m.harmonics = static_cast<int>(integer_at(net, "harmonics", nwhere));
  if (net.contains("layers")) m.layers = static_cast<int>(integer_at(net, "layers", nwhere));
  if (net.contains("activation")) {
    if (!net["activation"].is_string()) throw input_error("network activation must be a name");
    m.act = parse_activation(net["activation"].get<std::string>());
  }
  if (net.contains("learned_variance")) m.learned_variance = flag_at(net, "learned_variance", nwhere);
  if (net.contains("log_var_range")) m.log_var_range = number_at(net, "log_var_range", nwhere);
  if (net.contains("forward_looking")) m.forward_looking = flag_at(net, "forward_looking", nwhere);
  if (net.contains("langevin")) m.langevin = flag_at(net, "langevin", nwhere);
  if (net.contains("lgv_layers")) m.lgv_layers = static_cast<int>(integer_at(net, "lgv_layers", nwhere));
  if (net.contains("lgv_clip")) m.lgv_clip = number_at(net, "lgv_clip", nwhere);
  if (net.contains("drift_clip")) m.drift_clip = number_at(net, "drift_clip", nwhere);
  if (net.contains("learned_backward")) m.learned_backward = flag_at(net, "learned_backward", nwhere);
  if (net.contains("pb_scale_range")) m.pb_scale_range = number_at(net, "pb_scale_range", nwhere);
  if (m.lgv_layers < 0 || m.lgv_layers > 64 || !(m.lgv_clip > 0) || !(m.drift_clip > 0))
    throw input_error("lgv_layers must be 0 to 64, lgv_clip and drift_clip positive");
  if (m.hidden <= 0 || m.hidden > 4096 || m.harmonics <= 0 || m.harmonics > 4096 || m.layers < 0 || m.layers > 64)
    throw input_error("network sizes must be positive (hidden and harmonics at most 4096, layers 0 to 64)");
  if (!(m.log_var_range > 0)) throw input_error("log_var_range must be positive");
  for (const auto& l : s.losses) m.flow = m.flow || loss_needs_flow(l.kind);
  if (m.forward_looking && !m.flow) throw input_error("forward_looking needs a flow loss (db or subtb)");
  n["network"] = {{"hidden", m.hidden},
                  {"harmonics", m.harmonics},
                  {"layers", m.layers},
                  {"activation", activation_name(m.act)},
                  {"learned_variance", m.learned_variance},
                  {"log_var_range", m.log_var_range},
                  {"forward_looking", m.forward_looking},
                  {"langevin", m.langevin},
                  {"lgv_layers", m.lgv_layers},
                  {"lgv_clip", m.lgv_clip},
                  {"drift_clip", m.drift_clip}};
  if (m.learned_backward) {  // stored only when on, so that configs written before it existed still resume
    n["network"]["learned_backward"] = true;
    n["network"]["pb_scale_range"] = m.pb_scale_range;
  }
}

// exploration, the replay buffer, both-ways training and local search.
void parse_replay_section(const nlohmann::json& c, const std::string& where, train_request& r,
                          nlohmann::ordered_json& n) {
  auto& s = r.settings;
  s.exploration = c.contains("exploration") ? number_at(c, "exploration", where) : s.exploration;
  s.exploration_iterations =
      c.contains("exploration_iterations") ? integer_at(c, "exploration_iterations", where) : s.exploration_iterations;
  if (s.exploration < 0 || s.exploration_iterations < 0)
    throw input_error("exploration and exploration_iterations must be non-negative");
  n["exploration"] = s.exploration;
  // replay buffer, both-ways training, local search (in the stored config only when given, so that
  // model files written before they existed still resume)
  if (c.contains("buffer")) {
    const auto& b = c["buffer"];
    if (!b.is_object()) throw input_error("config key 'buffer' must be an object");
    const std::string bwhere = "'buffer' of " + where;
    check_keys(b, {"capacity", "priority", "rank_k"}, bwhere);
    s.buffer.capacity = b.contains("capacity") ? integer_at(b, "capacity", bwhere) : 600000;
    if (b.contains("priority")) {
      if (!b["priority"].is_string()) throw input_error("buffer priority must be a name (rank, uniform, reward)");
      s.buffer.priority = parse_buffer_priority(b["priority"].get<std::string>());
    }
    if (b.contains("rank_k")) s.buffer.rank_k = number_at(b, "rank_k", bwhere);
    if (s.buffer.capacity <= 0)
      throw input_error("buffer capacity must be positive (got " + std::to_string(s.buffer.capacity) + ")");
    validate_buffer(s.buffer);
    n["buffer"] = {{"capacity", s.buffer.capacity},
                   {"priority", buffer_priority_name(s.buffer.priority)},
                   {"rank_k", s.buffer.rank_k}};
  }
  if (c.contains("both_ways")) {
    s.both_ways = flag_at(c, "both_ways", where);
    n["both_ways"] = s.both_ways;
  }
  if (c.contains("local_search")) {
    const auto& l = c["local_search"];
    if (!l.is_object()) throw input_error("config key 'local_search' must be an object");
    const std::string lwhere = "'local_search' of " + where;
    check_keys(l, {"every", "steps", "burn_in", "step_size", "target_accept", "keep"}, lwhere);
    auto& ls = s.local_search;
    ls.every = l.contains("every") ? integer_at(l, "every", lwhere) : 100;
    if (l.contains("steps")) ls.steps = integer_at(l, "steps", lwhere);
    if (l.contains("burn_in")) ls.burn_in = integer_at(l, "burn_in", lwhere);
    if (l.contains("step_size")) ls.step_size = number_at(l, "step_size", lwhere);
    if (l.contains("target_accept")) ls.target_accept = number_at(l, "target_accept", lwhere);
    if (l.contains("keep")) {
      const auto& k = l["keep"];
      if (!k.is_string() || (k.get<std::string>() != "final" && k.get<std::string>() != "accepted"))
        throw input_error("local_search keep must be \"final\" or \"accepted\"");
      ls.keep_accepted = k.get<std::string>() == "accepted";
    }
    if (!(ls.target_accept > 0 && ls.target_accept < 1))
      throw input_error("local_search target_accept must be in (0, 1) (got " + std::to_string(ls.target_accept) + ")");
    if (ls.every <= 0 || ls.steps <= 0 || ls.burn_in < 0 || ls.burn_in > ls.steps || !(ls.step_size > 0))
      throw input_error("local_search needs every > 0, steps > 0, 0 <= burn_in <= steps and step_size > 0");
    n["local_search"] = {{"every", ls.every},
                         {"steps", ls.steps},
                         {"burn_in", ls.burn_in},
                         {"step_size", ls.step_size},
                         {"target_accept", ls.target_accept}};
    if (ls.keep_accepted) n["local_search"]["keep"] = "accepted";
  }
  if ((s.both_ways || s.local_search.every > 0) && s.buffer.capacity == 0)
    throw input_error("both_ways and local_search need a replay buffer (config key 'buffer')");
  n["exploration_iterations"] = s.exploration_iterations;
}

// evaluation and checkpoint cadence, threads, device.
void parse_evaluation_section(const nlohmann::json& c, const std::string& where, train_request& r,
                              nlohmann::ordered_json& n) {
  auto& s = r.settings;
  r.eval_every = c.contains("eval_every") ? integer_at(c, "eval_every", where) : r.eval_every;
  r.eval_samples = c.contains("eval_samples") ? static_cast<int>(integer_at(c, "eval_samples", where)) : r.eval_samples;
  r.eval_steps = c.contains("eval_steps") ? static_cast<int>(integer_at(c, "eval_steps", where)) : s.grid.steps;
  r.checkpoint_every = c.contains("checkpoint_every") ? integer_at(c, "checkpoint_every", where) : r.eval_every;
  r.log_every = c.contains("log_every") ? integer_at(c, "log_every", where) : std::max(1L, s.iterations / 500);
  r.threads = c.contains("threads") ? static_cast<int>(integer_at(c, "threads", where)) : r.threads;
  if (r.eval_every < 0 || r.checkpoint_every < 0 || r.log_every <= 0)
    throw input_error("eval_every and checkpoint_every must be non-negative, log_every positive");
  if (r.eval_samples <= 1 || r.eval_samples > 1000000) throw input_error("eval_samples must be between 2 and 1000000");
  if (r.eval_steps <= 0 || r.eval_steps >= 65536) throw input_error("eval_steps must be between 1 and 65535");
  if (r.threads < 0) throw input_error("thread count must be non-negative");
  if (c.contains("device")) {
    if (!c["device"].is_string()) throw input_error("'device' in " + where + " must be a string (cpu or cuda)");
    r.device = c["device"].get<std::string>();  // like threads, not part of the stored config
  }
  n["eval_every"] = r.eval_every;
  n["eval_samples"] = r.eval_samples;
  n["eval_steps"] = r.eval_steps;
  n["checkpoint_every"] = r.checkpoint_every;
  n["log_every"] = r.log_every;
}

}  // namespace

// Defaults: the members of train_settings (trainer.hpp) and train_request (train_config.hpp) as
// default-constructed, and the losses' from the registry; the defaults only a config has (sigma2,
// the log Z and flow learning rates, a buffer's capacity, the local-search cadence) are written here.
train_request parse_train_config(const nlohmann::json& c, const std::string& where) {
  if (!c.is_object()) throw input_error(where + " must hold a JSON object");
  check_keys(c,
             {"target",
              "sigma2",
              "steps",
              "grid",
              "batch",
              "iterations",
              "losses",
              "lr",
              "lr_log_z",
              "lr_flow",
              "optimizer",
              "weight_decay",
              "grad_clip",
              "seed",
              "network",
              "exploration",
              "exploration_iterations",
              "eval_every",
              "eval_samples",
              "eval_steps",
              "checkpoint_every",
              "log_every",
              "threads",
              "device",
              "buffer",
              "both_ways",
              "local_search"},
             where);
  train_request r;
  nlohmann::ordered_json n;  // normalised: every default filled in
  parse_target_section(c, where, r, n);
  parse_grid_section(c, where, r, n);
  parse_batch_section(c, where, r, n);
  parse_loss_section(c, where, r, n);
  parse_optimiser_section(c, where, r, n);
  parse_network_section(c, where, r, n);
  parse_replay_section(c, where, r, n);
  parse_evaluation_section(c, where, r, n);
  r.config = n;
  return r;
}

}  // namespace dmt
