// The registry (core/include/dmt/registry.hpp): every component, walked. Built from empty
// parameters each gets exactly its documented defaults and reads only documented parameters; an
// unknown parameter is refused with one line naming the component; the C++ structs that still hold
// defaults of their own agree with it; a new component file registers itself completely.
#include "dmt/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "dmt/config/component_json.hpp"
#include "dmt/diffusion/losses.hpp"
#include "dmt/mmle/latent_model.hpp"
#include "dmt/mmle/mmle_algorithm.hpp"
#include "dmt/samplers/posterior_chains.hpp"
#include "dmt/samplers/sampler.hpp"
#include "dmt/targets/registry.hpp"

namespace dmt {
void dmt_register_example_walk_sampler(registry& r);  // tests/fixtures/example_walk_sampler.cpp
}

namespace {

using dmt::component_kind;

std::string format(const dmt::param_spec& s, const dmt::params::value& v) {
  dmt::param_spec copy = s;
  copy.default_text.clear();
  copy.default_value = v;
  return copy.documented_default();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const dmt::input_error& e) {
    return e.what();
  }
  return "";
}

// Every parameter a component read while it was built from `resolved` is documented.
void expect_reads_documented(const dmt::component_spec& c, const dmt::params& resolved) {
  for (const std::string& key : resolved.used())
    EXPECT_NE(c.parameter(key), nullptr) << c.owner() << " reads '" << key << "'";
}

TEST(Registry, EveryComponentFromEmptyParametersGetsItsDocumentedDefaults) {
  const auto gaussian = dmt::make_target("gaussian", dmt::params());
  int checked = 0;
  for (component_kind kind : {component_kind::target, component_kind::sampler, component_kind::loss,
                              component_kind::model, component_kind::algorithm}) {
    for (const dmt::component_spec* c : dmt::registry::global().list(kind)) {
      SCOPED_TRACE(c->owner());
      const dmt::params resolved = dmt::resolve_params(*c, dmt::params());
      // exactly the documented parameters, each with its documented default
      ASSERT_EQ(resolved.values().size(), c->parameters.size());
      for (const auto& p : c->parameters) {
        ASSERT_TRUE(resolved.has(p.name)) << p.name;
        EXPECT_FALSE(resolved.given(p.name)) << p.name;
        // run- or parameter-dependent (checked below), or shown as words ("identity")
        if (p.computed_default || !p.default_text.empty()) continue;
        EXPECT_EQ(format(p, resolved.values().at(p.name)), p.documented_default()) << p.name;
      }
      // built from them; whatever it reads is documented (an undocumented read has no default and throws)
      if (kind == component_kind::target) {
        ASSERT_TRUE(c->make_target(resolved)) << c->name;
      } else if (kind == component_kind::sampler) {
        auto s = c->make_sampler(resolved, *gaussian, 20, 1, dmt::serial_executor());
        ASSERT_TRUE(s);
        s->run(2);
        EXPECT_EQ(s->size(), 20u);
      } else if (kind == component_kind::model) {
        ASSERT_TRUE(c->make_model(resolved)) << c->name;
      } else if (kind == component_kind::algorithm) {
        ASSERT_TRUE(c->make_algorithm(resolved)) << c->name;
      } else {
        c->validate(resolved);
      }
      expect_reads_documented(*c, resolved);
      ++checked;
    }
  }
  EXPECT_GE(checked, 14 + 10 + 5 + 4 + 6);
}

TEST(Registry, AnUnknownParameterIsRefusedInOneLineNamingTheComponent) {
  for (component_kind kind : {component_kind::target, component_kind::sampler, component_kind::loss,
                              component_kind::model, component_kind::algorithm}) {
    for (const dmt::component_spec* c : dmt::registry::global().list(kind)) {
      const std::string m = error_of([&] { dmt::resolve_params(*c, dmt::params().set("no_such_parameter", 1.0)); });
      EXPECT_EQ(m, "unknown parameter 'no_such_parameter' for " + c->owner());
      EXPECT_EQ(m.find('\n'), std::string::npos);
    }
  }
  EXPECT_EQ(error_of([] { dmt::make_target("funnel", dmt::params().set("dims", 3.0)); }),
            "unknown parameter 'dims' for target funnel");
  EXPECT_EQ(error_of([] { dmt::parse_sampler("mala", dmt::params().set("friction", 1.0)); }),
            "unknown parameter 'friction' for sampler mala");
  EXPECT_EQ(error_of([] { dmt::parse_loss("tb", dmt::params().set("lambda", 3.0)); }),
            "unknown parameter 'lambda' for loss tb");
  EXPECT_EQ(
      error_of([] { dmt::resolve_params(component_kind::sampler, "mala", dmt::params().set("step_size", "big")); }),
      "parameter 'step_size' must be a number");
  // the CUDA refusal, from the capabilities (also asserted by tests/cuda on a CUDA build)
  EXPECT_EQ(error_of([] { dmt::require_cuda(dmt::registry::global().get(component_kind::sampler, "multcdiff")); }),
            "sampler 'multcdiff' has no CUDA implementation yet (on cuda: ula, mala, underdamped, skrock, smc)");
  EXPECT_EQ(error_of([] { dmt::require_cuda(dmt::registry::global().get(component_kind::sampler, "smc")); }), "");
  EXPECT_EQ(error_of([] { dmt::registry::global().get(component_kind::loss, "kl"); }),
            "unknown loss 'kl' (known: tb, vargrad, db, subtb, pis)");
}

TEST(Registry, RunDependentDefaultsAreComputedInOnePlace) {
  const dmt::params none;
  EXPECT_EQ(dmt::parse_sampler("mala", none, dmt::run_context{30, false}).adapt_steps, 15);
  EXPECT_EQ(dmt::parse_sampler("mala", none, dmt::run_context{}).adapt_steps, 500);
  EXPECT_EQ(dmt::parse_sampler("mala", none, dmt::run_context{std::nullopt, true}).adapt_steps, 500);
  EXPECT_EQ(dmt::parse_sampler("mala", none, dmt::run_context{std::nullopt, true}).trace_particles, 16);
  EXPECT_EQ(dmt::parse_sampler("ula", none, dmt::run_context{30, false}).trace_particles, 64);
  // given values win over computed defaults
  EXPECT_EQ(dmt::parse_sampler("mala", dmt::params().set("adapt_steps", 7.0), dmt::run_context{30, false}).adapt_steps,
            7);
  // a default that depends on another parameter
  const auto& mcd = dmt::registry::global().get(component_kind::sampler, "multcdiff");
  EXPECT_EQ(dmt::resolve_params(mcd, dmt::params()).number("horizon"), 1.0);
  EXPECT_EQ(dmt::resolve_params(mcd, dmt::params().set("forward", "ou")).number("horizon"), 5.0);
  const auto& g = dmt::registry::global().get(component_kind::target, "gaussian");
  EXPECT_EQ(dmt::resolve_params(g, dmt::params().set("dim", 3.0)).list("mean"), std::vector<double>(3, 0.0));
}

TEST(Registry, StructDefaultsThatRemainAgreeWithTheRegistry) {
  // posterior_chain_settings and loss_spec keep member defaults (tests build them directly); the
  // registry reads its defaults from them, so they cannot drift: this pins that they do.
  const dmt::posterior_chain_settings d;
  const dmt::params mcd = dmt::resolve_params(component_kind::sampler, "multcdiff", dmt::params());
  EXPECT_EQ(mcd.integer("fast_chains"), d.chains);
  EXPECT_EQ(mcd.integer("fast_steps"), d.steps);
  EXPECT_EQ(mcd.number("fast_step_size"), d.step_size);
  EXPECT_EQ(mcd.string("fast"), d.integrator);
  const dmt::loss_spec subtb = dmt::parse_loss("subtb", dmt::params());
  EXPECT_EQ(subtb.weight, dmt::loss_spec{}.weight);
  EXPECT_EQ(subtb.lambda, dmt::loss_spec{}.lambda);
  // the settings structs without member defaults are filled from the registry
  const dmt::sampler_settings mala = dmt::parse_sampler("mala", dmt::params());
  EXPECT_EQ(mala.step_size, 0.05);
  EXPECT_EQ(mala.target_accept, 0.574);
  EXPECT_TRUE(mala.simd);
  EXPECT_EQ(mala.init, "normal");
}

TEST(Registry, ANewComponentFileRegistersItselfCompletely) {
  // a registry of its own, so that the global one (whose listings other tests pin) stays as built
  dmt::registry r;
  dmt::dmt_register_example_walk_sampler(r);
  const dmt::component_spec& c = r.get(component_kind::sampler, "example_walk");
  // listed, described as JSON, built by name
  ASSERT_EQ(r.list(component_kind::sampler).size(), 1u);
  const auto j = dmt::component_json(c);
  EXPECT_EQ(j["parameters"][0]["name"], "scale");
  EXPECT_EQ(j["parameters"][0]["default"], "0.5");
  EXPECT_EQ(j["capabilities"]["needs_gradient"], false);
  auto make = [&](const dmt::params& p, const dmt::target& t, std::size_t n) {
    return c.make_sampler(dmt::resolve_params(c, p), t, n, 3, dmt::serial_executor());
  };
  const auto t = dmt::make_target("gaussian", dmt::params());
  auto s = make(dmt::params(), *t, 400);
  s->run(200);
  // defaults it does not override: no weights, acceptance 1 by default, refuses initial particles
  EXPECT_EQ(s->log_weights(), nullptr);
  EXPECT_EQ(s->size(), 400u);
  EXPECT_TRUE(std::isnan(s->step_size()));
  EXPECT_EQ(error_of([&] { s->set_particles(std::vector<float>(800, 0.0f)); }),
            "this sampler starts from its own reference; it takes no initial particles");
  // and it samples N(0, I): the mean of 400 particles within 5 standard errors (0.25)
  double m = 0.0;
  for (std::size_t i = 0; i < 400; ++i) m += s->particles()[2 * i] / 400.0;
  EXPECT_LT(std::fabs(m), 0.25);
  EXPECT_EQ(error_of([&] { make(dmt::params().set("scale", -1.0), *t, 4); }), "example_walk: scale must be positive");
  EXPECT_THROW(r.add(c), std::logic_error);  // a name registered twice is a programming error
}

}  // namespace
