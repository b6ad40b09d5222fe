#include "dmt/native/device_sampler.hpp"

#ifdef DMT_HAVE_CUDA
#include "dmt/cuda/device.hpp"
#include "dmt/cuda/langevin_sampler.hpp"
#include "dmt/cuda/trainer.hpp"
#endif

namespace dmt {

void check_device(const std::string& device) {
  if (device == "cpu") return;
  if (device != "cuda") throw input_error("unknown device '" + device + "' (known: cpu, cuda)");
#ifndef DMT_HAVE_CUDA
  throw input_error("this dmt was built without CUDA (configure with -DDMT_CUDA=ON, e.g. cmake --preset cuda)");
#else
  if (cuda::device_count() == 0) throw input_error("--device cuda: no CUDA device available");
#endif
}

std::unique_ptr<particle_sampler> make_sampler_on(const std::string& device, const std::string& name, const params& p,
                                                  const target& t, std::size_t particles, std::uint64_t seed,
                                                  const executor& exec) {
  check_device(device);
#ifdef DMT_HAVE_CUDA
  if (device == "cuda") return cuda::make_particle_sampler(name, p, t, particles, seed);
#endif
  return make_particle_sampler(name, p, t, particles, seed, exec);
}

std::unique_ptr<trainer> make_trainer_on(const std::string& device, const train_settings& s, const target& t,
                                         const executor& exec) {
  check_device(device);
#ifdef DMT_HAVE_CUDA
  if (device == "cuda") return std::make_unique<cuda::trainer>(s, t, exec);
#endif
  return std::make_unique<trainer>(s, t, exec);
}

}  // namespace dmt
