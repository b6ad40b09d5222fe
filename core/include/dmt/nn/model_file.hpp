// The model file (`model.dmt`): a trained diffusion sampler's parameters, optionally the Adam
// state, and the settings needed to use it, in one binary file that the native and the wasm
// builds read alike. Layout (little-endian):
//   8 bytes   magic "DMTMODEL"
//   u32       format version (1)
//   u32 n, n bytes   header: UTF-8 lines "key=value\n" (keys and values without newlines)
//   u32       tensor count; per tensor: u32 name length, name, u32 rows, u32 cols, u32 group length, group
//   f32[]     the parameter values, tensor after tensor (column-major)
//   u8        1 if the Adam state follows, else 0; then u64 step count, f32[] m, f32[] v
//   u64       FNV-1a 64 of every preceding byte
// A file that is truncated, corrupted, of another version or for other settings is refused with
// a one-line input_error.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "dmt/diffusion/diffusion_model.hpp"
#include "dmt/nn/adam.hpp"

namespace dmt {

constexpr std::uint32_t kModelFormatVersion = 1;

struct model_file {
  std::map<std::string, std::string> header;  // includes the model_config keys
  parameter_store<float> params;
  bool has_optimiser = false;
  adam<float> optimiser;
};

// Header keys describing a model_config (dim, sigma2, learned_variance, ...).
void write_model_config(const model_config& c, std::map<std::string, std::string>& header);
model_config read_model_config(const std::map<std::string, std::string>& header, const std::string& source);
// The same, and refused when the settings need more parameters than the file holds (checked before a
// model is built from a file's header).
model_config read_model_config(const model_file& f, const std::string& source);

std::string serialize_model(const std::map<std::string, std::string>& header, const parameter_store<float>& params,
                            const adam<float>* optimiser);
// `source` names the file in error messages.
model_file parse_model(const std::string& bytes, const std::string& source);
// Copies the parameters into a model built from the same config (checks names and shapes).
void load_parameters(const model_file& file, diffusion_model<float>& model, const std::string& source);

}  // namespace dmt
