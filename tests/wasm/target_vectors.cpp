// Native reference values for the JS API tests (tests/wasm/api.test.cjs): every registry target's
// log R and gradient at fixed points, printed as JSON. The points are a closed formula, so the
// node test rebuilds them without reading them from here.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "dmt/targets/registry.hpp"

int main() {
  const std::vector<std::pair<std::string, dmt::params>> list = {
      {"gaussian", dmt::params().set("dim", 3.0)},
      {"gmm25", {}},
      {"gmm9", {}},
      {"gmm40", {}},
      {"funnel", dmt::params().set("dim", 5.0)},
      {"manywell", dmt::params().set("dim", 4.0)},
      {"doublewell", {}},
      {"student_t", {}},
      {"student_t_mixture", {}},
      {"banana", {}},
      {"blr", {}},
      {"lgcp", dmt::params().set("grid", 8.0)}};
  std::printf("{\n");
  for (std::size_t t = 0; t < list.size(); ++t) {
    const auto target = dmt::make_target(list[t].first, list[t].second);
    const int d = target->dim();
    const std::size_t n = 6;
    std::vector<float> x(n * d), lr(n), g(n * d);
    // x[i][j] = 2.5 sin(1.3 i + 0.7 j + 0.1), computed in double and rounded once (as in JS)
    for (std::size_t i = 0; i < n; ++i)
      for (int j = 0; j < d; ++j) x[i * d + j] = static_cast<float>(2.5 * std::sin(1.3 * i + 0.7 * j + 0.1));
    target->evaluate(x.data(), n, lr.data(), g.data());
    std::printf("  \"%s\": {\"dim\": %d, \"log_r\": [", list[t].first.c_str(), d);
    for (std::size_t i = 0; i < n; ++i) std::printf("%s%.9g", i ? ", " : "", lr[i]);
    std::printf("], \"grad\": [");
    for (std::size_t i = 0; i < n * d; ++i) std::printf("%s%.9g", i ? ", " : "", g[i]);
    std::printf("]}%s\n", t + 1 < list.size() ? "," : "");
  }
  std::printf("}\n");
}
