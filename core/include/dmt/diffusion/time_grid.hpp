// Time grids 0 = t_0 < t_1 < ... < t_T = 1 for diffusion samplers: uniform, random (each interior
// point jittered uniformly within half a step of the uniform grid, so the points stay ordered and
// every step is shorter than 2/T; drawn afresh per iteration from the seed), or given.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dmt/rng/philox.hpp"

namespace dmt {

enum class grid_kind { uniform, random, given };

struct time_grid_spec {
  grid_kind kind = grid_kind::uniform;
  int steps = 100;             // T (uniform, random)
  std::vector<double> times;   // given: T + 1 points from 0 to 1
};

grid_kind parse_grid_kind(const std::string& name);  // input_error for unknown names
const char* grid_kind_name(grid_kind k);
// Throws input_error unless the spec is usable (T > 0, given times strictly increasing from 0 to 1).
void validate_time_grid(const time_grid_spec& spec);
int grid_steps(const time_grid_spec& spec);
// The grid for one iteration (random grids are keyed by (seed, iteration)).
std::vector<double> make_time_grid(const time_grid_spec& spec, philox_key key, std::uint32_t iteration);

}  // namespace dmt
