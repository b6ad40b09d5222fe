// A trained sampler's evaluation warnings (diffusion/evaluation_warnings.hpp): each threshold on both
// sides, and the lines that name it.
#include <gtest/gtest.h>

#include <cmath>

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

  ev = healthy();
  ev.ess_fraction = 0.0099;
  auto w = dmt::evaluation_warnings(ev);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].substr(0, 62), "ESS/K of the evaluation's importance weights is 0.0099 < 0.01:");
  ev.ess_fraction = 0.0101;
  EXPECT_TRUE(dmt::evaluation_warnings(ev).empty());

  ev = healthy();
  ev.log_z_rw = 11.01;
  w = dmt::evaluation_warnings(ev);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].substr(0, 33), "log Z_RW - ELBO = 1.01 > 1 nat: t");
  ev.log_z_rw = 10.99;
  EXPECT_TRUE(dmt::evaluation_warnings(ev).empty());

  ev = healthy();
  ev.eubo = 12.01;
  w = dmt::evaluation_warnings(ev);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].substr(0, 30), "EUBO - ELBO = 2.01 > 2 nats: t");
  ev.eubo = 11.99;
  EXPECT_TRUE(dmt::evaluation_warnings(ev).empty());

  ev = healthy();
  ev.log_z_rw = NAN;
  w = dmt::evaluation_warnings(ev);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0], "log Z_RW or the ELBO is not finite: the model's samples or their weights broke down");
}

}  // namespace
