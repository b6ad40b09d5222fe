// Where `dmt sample` and `dmt train` run: "cpu" (the thread pool) or "cuda" (native/cuda/, in
// builds configured with DMT_CUDA; the samplers whose registry entry says cuda, and the trainer with
// every setting). One-line input errors for unknown devices, builds without CUDA and samplers without
// a CUDA implementation; dmt::cuda::cuda_error ("no CUDA device available") when there is no GPU.
#pragma once
#include <memory>
#include <string>

#include "dmt/config/sampling_setup.hpp"
#include "dmt/diffusion/trainer.hpp"
#include "dmt/samplers/particle_sampler.hpp"

namespace dmt {

// Throws input_error unless `device` is "cpu", or "cuda" in a build with the CUDA backend.
void check_device(const std::string& device);
// On "cuda", a target the registry does not mark as running there is refused by name (input_error),
// whether or not this build or machine has a device.
void require_cuda_target(const std::string& device, const std::string& target_name);

std::unique_ptr<particle_sampler> make_sampler_on(const std::string& device, const sampling_setup& setup,
                                                  std::size_t particles, std::uint64_t seed, const executor& exec);

std::unique_ptr<trainer> make_trainer_on(const std::string& device, const train_settings& s, const target& t,
                                         const executor& exec);

}  // namespace dmt
