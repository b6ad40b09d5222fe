// The model file: a bit-exact round trip of parameters, Adam state and header; refusal of
// truncated, corrupted and mismatched files with one-line messages.
#include <gtest/gtest.h>

#include <cstring>
#include <functional>

#include "dmt/nn/model_file.hpp"
#include "dmt/params.hpp"

namespace {

dmt::model_config small_config() {
  dmt::model_config c;
  c.dim = 3;
  c.hidden = 8;
  c.harmonics = 4;
  c.learned_variance = true;
  c.flow = true;
  c.langevin = true;
  c.learned_backward = true;
  c.pb_scale_range = 0.25;
  return c;
}

std::string message(const std::function<void()>& f) {
  try {
    f();
  } catch (const dmt::input_error& e) {
    return e.what();
  }
  return "";
}

TEST(ModelFile, RoundTripIsBitExact) {
  dmt::diffusion_model<float> m(small_config());
  m.initialise(3);
  for (std::size_t i = 0; i < m.store.values.size(); ++i) m.store.values[i] += 1e-3f * float(i);
  dmt::adam<float> opt;
  m.store.grads.assign(m.store.values.size(), 0.5f);
  opt.step(m.store, dmt::adam_settings{});
  std::map<std::string, std::string> h;
  dmt::write_model_config(m.config, h);
  h["note"] = "x=y z";
  const std::string bytes = dmt::serialize_model(h, m.store, &opt);
  const auto f = dmt::parse_model(bytes, "mem");
  EXPECT_EQ(f.header.at("note"), "x=y z");
  const auto c = dmt::read_model_config(f.header, "mem");
  EXPECT_EQ(c.dim, 3);
  EXPECT_TRUE(c.learned_variance && c.flow && c.langevin && c.learned_backward);
  EXPECT_EQ(c.pb_scale_range, 0.25);
  dmt::diffusion_model<float> m2(c);
  dmt::load_parameters(f, m2, "mem");
  EXPECT_EQ(m2.store.values, m.store.values);
  ASSERT_TRUE(f.has_optimiser);
  EXPECT_EQ(f.optimiser.steps, 1);
  EXPECT_EQ(f.optimiser.m, opt.m);
  EXPECT_EQ(f.optimiser.v, opt.v);
  EXPECT_EQ(dmt::serialize_model(f.header, f.params, &f.optimiser), bytes);
}

TEST(ModelFile, BadFilesAreRefused) {
  dmt::diffusion_model<float> m(small_config());
  m.initialise(1);
  std::map<std::string, std::string> h;
  dmt::write_model_config(m.config, h);
  const std::string bytes = dmt::serialize_model(h, m.store, nullptr);
  EXPECT_EQ(message([&] { dmt::parse_model(bytes.substr(0, bytes.size() / 2), "f"); }), "model file 'f' is truncated");
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 4;
  EXPECT_EQ(message([&] { dmt::parse_model(flipped, "f"); }), "model file 'f' is corrupted (checksum mismatch)");
  EXPECT_EQ(message([&] { dmt::parse_model("hello", "f"); }), "'f' is not a dmt model file (no DMTMODEL magic)");
  // a model of another width does not load into this one
  dmt::model_config other = small_config();
  other.hidden = 9;
  dmt::diffusion_model<float> m3(other);
  const auto f = dmt::parse_model(bytes, "f");
  EXPECT_NE(message([&] { dmt::load_parameters(f, m3, "f"); }).find("does not match"), std::string::npos);
  auto h2 = h;
  h2.erase("sigma2");
  EXPECT_EQ(message([&] { dmt::read_model_config(h2, "f"); }), "model file 'f' has no 'sigma2' in its header");
}

// Regressions found by tests/fuzz/fuzz_model_file.cpp (UBSan / the 2 GiB limit of libFuzzer).
TEST(ModelFile, FuzzFindings) {
  // an empty tensor: no floats to copy (memcpy from a null data() was undefined behaviour)
  dmt::parameter_store<float> empty;
  empty.add("nothing", 0, 0, "policy");
  const auto f0 = dmt::parse_model(dmt::serialize_model({{"k", "v"}}, empty, nullptr), "f");
  EXPECT_EQ(f0.params.values.size(), 0u);
  // tensor shapes that ask for more floats than the file holds: refused before allocating
  {
    dmt::parameter_store<float> one;
    one.add("a", 1, 1, "policy");
    std::string b = dmt::serialize_model({}, one, nullptr);
    // rows and cols of the single tensor (after magic, version, header length 0, count, name length, name)
    const std::size_t at = 8 + 4 + 4 + 4 + 4 + 1;
    const std::uint32_t huge = 1u << 15;
    std::memcpy(&b[at], &huge, 4);
    std::memcpy(&b[at + 4], &huge, 4);
    EXPECT_EQ(message([&] { dmt::parse_model(b, "f"); }), "model file 'f' is truncated");
  }
  // header numbers past int's range, and settings for a model far larger than the file
  dmt::diffusion_model<float> m(small_config());
  std::map<std::string, std::string> h;
  dmt::write_model_config(m.config, h);
  auto h1 = h;
  h1["hidden"] = "1e300";
  EXPECT_EQ(message([&] { dmt::read_model_config(h1, "f"); }), "model file 'f' has a malformed 'hidden' (1e300)");
  h1["hidden"] = "2.5";
  EXPECT_EQ(message([&] { dmt::read_model_config(h1, "f"); }), "model file 'f' has a malformed 'hidden' (2.5)");
  auto h2 = h;
  h2["hidden"] = "100000";
  const auto f2 = dmt::parse_model(dmt::serialize_model(h2, m.store, nullptr), "f");
  EXPECT_EQ(message([&] { dmt::read_model_config(f2, "f"); }),
            "model file 'f' has settings for more parameters than it holds");
  const auto f3 = dmt::parse_model(dmt::serialize_model(h, m.store, nullptr), "f");
  EXPECT_EQ(dmt::read_model_config(f3, "f").hidden, 8);
}

}  // namespace
