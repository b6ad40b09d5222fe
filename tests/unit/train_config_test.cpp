// The optimiser keys of a training config (README: `optimizer`, `weight_decay`, `grad_clip`) reach the
// trainer's update. Adam's arithmetic itself is checked by hand in nn_test.cpp; here one real training
// step tells the three keys apart: with the global gradient norm clipped to 1e-12, Adam's step
// lr m^/(sqrt(v^) + eps) is at most lr |g| / eps = lr 1e-4, so AdamW leaves p (1 - lr wd) to within
// that, while a config whose keys were ignored moves every weight by about lr (Adam's first step is
// lr sign(g)) or leaves it undecayed.
#include <gtest/gtest.h>

#include <cmath>

#include "dmt/config/train_config.hpp"
#include "dmt/diffusion/trainer.hpp"
#include "dmt/targets/registry.hpp"

namespace {

TEST(TrainConfig, OptimizerWeightDecayAndClipReachTheUpdate) {
  const nlohmann::json c = {{"target", "gmm25"},     {"steps", 5},          {"batch", 16},
                            {"losses", {"tb"}},       {"lr", 0.1},           {"lr_log_z", 0.2},
                            {"optimizer", "adamw"},  {"weight_decay", 0.5}, {"grad_clip", 1e-12},
                            {"network", {{"hidden", 8}, {"harmonics", 2}}}};
  dmt::train_request r = dmt::parse_train_config(c, "the test config");
  EXPECT_TRUE(r.settings.optimiser.decoupled);
  EXPECT_EQ(r.settings.optimiser.weight_decay, 0.5);
  EXPECT_EQ(r.settings.optimiser.clip_norm, 1e-12);
  const auto t = dmt::make_target("gmm25", {});
  r.settings.model.dim = t->dim();
  dmt::trainer tr(r.settings, *t);
  const std::vector<float> p0 = tr.model().store.values;
  tr.step();
  tr.pull();
  const auto& store = tr.model().store;
  std::size_t moved = 0;
  for (const auto& ti : store.tensors) {
    const double lr = r.settings.optimiser.lr_for(ti.group);
    for (std::size_t i = ti.offset; i < ti.offset + ti.size(); ++i) {
      const double want = p0[i] * (1.0 - lr * 0.5);
      ASSERT_NEAR(store.values[i], want, lr * 1e-4 + 1e-6 * std::abs(p0[i])) << ti.name << "[" << i - ti.offset << "]";
      moved += p0[i] != 0.0f;
    }
  }
  EXPECT_GT(moved, 50u);  // the decay was seen on many non-zero weights
}

TEST(TrainConfig, OptimizerDefaultsAreAdamWithoutDecayOrClipping) {
  const dmt::train_request r = dmt::parse_train_config(nlohmann::json{{"target", "gmm25"}}, "the test config");
  EXPECT_FALSE(r.settings.optimiser.decoupled);
  EXPECT_EQ(r.settings.optimiser.weight_decay, 0.0);
  EXPECT_EQ(r.settings.optimiser.clip_norm, 0.0);
}

TEST(TrainConfig, OptimizerErrors) {
  auto message = [](nlohmann::json extra) {
    nlohmann::json c = {{"target", "gmm25"}};
    c.update(extra);
    try {
      dmt::parse_train_config(c, "the test config");
    } catch (const dmt::input_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({{"optimizer", "sgd"}}), "unknown optimizer 'sgd' (adam, adamw)");
  EXPECT_EQ(message({{"grad_clip", -1}}), "weight_decay and grad_clip must be non-negative");
}

}  // namespace
