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

// A target or sampler without a CUDA implementation is refused by name, whether or not a device is
// present (the registry's capabilities: box_gaussian and lasso_regression are CPU only).
void require_cuda_target(const std::string& device, const std::string& target_name) {
  if (device != "cuda") return;
  if (const component_spec* spec = registry::global().find(component_kind::target, target_name)) require_cuda(*spec);
}

std::unique_ptr<particle_sampler> make_sampler_on(const std::string& device, const sampling_setup& setup,
                                                  std::size_t particles, std::uint64_t seed, const executor& exec) {
  require_cuda_target(device, setup.target_name);
  if (device == "cuda") require_cuda(*setup.sampler_spec);
  check_device(device);
#ifdef DMT_HAVE_CUDA
  if (device == "cuda")
    return cuda::make_particle_sampler(setup.sampler_name, setup.sampler_params, *setup.target, particles, seed);
#endif
  return setup.make(particles, seed, exec);
}

std::unique_ptr<trainer> make_trainer_on(const std::string& device, const train_settings& s, const target& t,
                                         const executor& exec) {
  require_cuda_target(device, t.name());
  check_device(device);
#ifdef DMT_HAVE_CUDA
  if (device == "cuda") return std::make_unique<cuda::trainer>(s, t, exec);
#endif
  return std::make_unique<trainer>(s, t, exec);
}

}  // namespace dmt
