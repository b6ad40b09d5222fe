// A trained sampler's evaluation warnings (diffusion/evaluation_warnings.hpp): each threshold on both
// sides, and the lines that name it.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "dmt/diffusion/evaluation_warnings.hpp"

namespace {

dmt::evaluation healthy() {
  dmt::evaluation ev;
  ev.elbo = 10.0;
  ev.log_z_rw = 10.5;
  ev.eubo = 11.5;
  ev.ess_fraction = 0.4;
  return ev;
}

TEST(EvaluationWarnings, EachThresholdOnBothSides) {
  EXPECT_TRUE(dmt::evaluation_warnings(healthy()).empty());
  auto ev = healthy();
  ev.eubo = NAN;  // no exact samples: no EUBO, no EUBO check
  EXPECT_TRUE(dmt::evaluation_warnings(ev).empty());
  // each diagnostic just past its threshold (one warning, its start) and just inside it (none)
  struct edge {
    double dmt::evaluation::*field;
    double past, inside;
    std::string start;
  };
  for (const edge& e : {edge{&dmt::evaluation::ess_fraction, 0.0099, 0.0101,
                             "ESS/K of the evaluation's importance weights is 0.0099 < 0.01:"},
                        edge{&dmt::evaluation::log_z_rw, 11.01, 10.99, "log Z_RW - ELBO = 1.01 > 1 nat: t"},
                        edge{&dmt::evaluation::eubo, 12.01, 11.99, "EUBO - ELBO = 2.01 > 2 nats: t"}}) {
    ev = healthy();
    ev.*e.field = e.past;
    const auto w = dmt::evaluation_warnings(ev);
    ASSERT_EQ(w.size(), 1u) << e.start;
    EXPECT_EQ(w[0].substr(0, e.start.size()), e.start);
    ev.*e.field = e.inside;
    EXPECT_TRUE(dmt::evaluation_warnings(ev).empty()) << e.start;
  }
  ev = healthy();
  ev.log_z_rw = NAN;
  const auto w = dmt::evaluation_warnings(ev);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "log Z_RW or the ELBO is not finite: the model's samples or their weights broke down");
}

}  // namespace
