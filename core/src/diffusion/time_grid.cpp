#include "dmt/diffusion/time_grid.hpp"

#include <cmath>

#include "dmt/params.hpp"
#include "dmt/rng/stream.hpp"

namespace dmt {

grid_kind parse_grid_kind(const std::string& name) {
  if (name == "uniform") return grid_kind::uniform;
  if (name == "random") return grid_kind::random;
  if (name == "given") return grid_kind::given;
  throw input_error("unknown time grid '" + name + "' (uniform, random, given)");
}

const char* grid_kind_name(grid_kind k) {
  return k == grid_kind::uniform ? "uniform" : k == grid_kind::random ? "random" : "given";
}

void validate_time_grid(const time_grid_spec& spec) {
  if (spec.kind != grid_kind::given) {
    if (spec.steps <= 0) throw input_error("the number of time steps T must be positive (got " + std::to_string(spec.steps) + ")");
    return;
  }
  const auto& t = spec.times;
  if (t.size() < 2) throw input_error("a given time grid needs at least two points (0 and 1)");
  if (t.front() != 0.0 || t.back() != 1.0) throw input_error("a given time grid must start at 0 and end at 1");
  for (std::size_t i = 1; i < t.size(); ++i)
    if (!(t[i] > t[i - 1]))
      throw input_error("the time grid must increase strictly (point " + std::to_string(i) + " is not above point " +
                        std::to_string(i - 1) + ")");
}

int grid_steps(const time_grid_spec& spec) {
  return spec.kind == grid_kind::given ? static_cast<int>(spec.times.size()) - 1 : spec.steps;
}

std::vector<double> make_time_grid(const time_grid_spec& spec, philox_key key, std::uint32_t iteration) {
  validate_time_grid(spec);
  if (spec.kind == grid_kind::given) return spec.times;
  const int T = spec.steps;
  std::vector<double> t(T + 1);
  for (int k = 0; k <= T; ++k) t[k] = double(k) / T;
  if (spec.kind == grid_kind::random) {
    philox_stream s(key, 0, 0x33000000u, iteration);
    for (int k = 1; k < T; ++k) t[k] = (k - 0.5 + s.uniform()) / T;
  }
  t[T] = 1.0;
  return t;
}

}  // namespace dmt
