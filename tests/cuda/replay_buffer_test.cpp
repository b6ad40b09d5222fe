// The device replay buffer against the CPU's (dmt::replay_buffer) with the same adds: batches of
// 173 states into capacity 500 (so the ring wraps and a batch can evict), log R rounded to quarters
// (many ties: the rank order must keep older entries first), with NaN, +-inf (skipped) and -0
// (tied with +0 on the CPU); for the rank, uniform and reward prioritisations the sizes, the drawn
// indices (1000 draws after every add, keyed like training's) and the entries after a download
// must be identical: the CDF is computed by the same sequential code (buffer_draw.hpp), the
// uniforms are the same Philox words. An upload from the CPU buffer draws the same indices too.
// (Not verified on hardware yet: no GPU was lent when this test was written.)
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "cuda_test_util.hpp"
#include "dmt/cuda/device_replay_buffer.hpp"
#include "dmt/rng/stream.hpp"

TEST(CudaReplayBuffer, FollowsTheCpuBuffer) {
  DMT_REQUIRE_GPU();
  const int d = 3;
  const dmt::philox_key key = dmt::make_philox_key(2026);
  for (auto priority : {dmt::buffer_priority::rank, dmt::buffer_priority::uniform, dmt::buffer_priority::reward}) {
    dmt::buffer_settings s;
    s.capacity = 500;
    s.priority = priority;
    dmt::replay_buffer cpu(d, s);
    dmt::cuda::device_replay_buffer gpu(d, s);
    dmt::philox_stream rng(key, 1, 7);
    std::size_t draws_compared = 0;
    for (std::uint32_t batch = 0; batch < 8; ++batch) {
      const std::size_t n = batch == 5 ? 620 : 173;  // one batch larger than the capacity
      std::vector<float> x(n * d), log_r(n);
      for (auto& v : x) v = float(rng.normal());
      for (std::size_t i = 0; i < n; ++i) {
        log_r[i] = float(std::round(rng.normal() * 4.0) / 4.0);
        if (i % 37 == 5) log_r[i] = std::numeric_limits<float>::quiet_NaN();
        if (i % 41 == 7) log_r[i] = (i % 2 ? 1.0f : -1.0f) * std::numeric_limits<float>::infinity();
        if (i % 43 == 9) log_r[i] = -0.0f;
      }
      cpu.add(x.data(), log_r.data(), n);
      gpu.add_host(x.data(), log_r.data(), n);
      ASSERT_EQ(gpu.size(), cpu.size()) << "after batch " << batch;
      const auto want = cpu.sample(1000, key, batch, 0x42000001u);
      const auto got = gpu.sample_indices(1000, key, batch, 0x42000001u);
      ASSERT_EQ(got, want) << dmt::buffer_priority_name(priority) << ", batch " << batch;
      draws_compared += want.size();
    }
    dmt::replay_buffer back(d, s);
    gpu.download(back);
    ASSERT_EQ(back.size(), cpu.size());
    for (std::size_t i = 0; i < cpu.size(); ++i) {
      EXPECT_EQ(back.log_r(i), cpu.log_r(i)) << i;
      for (int j = 0; j < d; ++j) EXPECT_EQ(back.state(i)[j], cpu.state(i)[j]) << i;
    }
    dmt::cuda::device_replay_buffer again(d, s);
    again.upload(cpu);
    EXPECT_EQ(again.sample_indices(1000, key, 99, 0x42000002u), cpu.sample(1000, key, 99, 0x42000002u));
    std::printf("[ cuda     ] replay buffer (%s, seed 2026): %zu entries, %zu draws identical to the CPU's\n",
                dmt::buffer_priority_name(priority), cpu.size(), draws_compared);
  }
}
