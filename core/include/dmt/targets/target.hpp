// A target density pi(x) = R(x) / Z on R^dim, evaluated in batches.
// Arrays are row-major float32: x is n x dim, log_r has n entries, grad is n x dim.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dmt/executor.hpp"
#include "dmt/params.hpp"
#include "dmt/simd.hpp"

namespace dmt {

class target {
 public:
  virtual ~target() = default;

  const std::string& name() const { return name_; }
  int dim() const { return dim_; }

  // log R(x) and grad log R(x) for n particles; grad may be null. Single-threaded unless an
  // executor is given (results are identical either way).
  void evaluate(const float* x, std::size_t n, float* log_r, float* grad,
                const executor& exec = serial_executor()) const;

  // One tile of lanes<T> particles in structure-of-arrays form: x[j] holds coordinate j of
  // every particle of the tile. Used by the samplers; the float overload is the scalar reference.
  virtual void evaluate_tile(const float_batch* x, float_batch* log_r, float_batch* grad) const = 0;
  virtual void evaluate_tile(const float* x, float* log_r, float* grad) const = 0;
  // The same kernel evaluated in double precision for one particle (tests, finite differences).
  virtual double evaluate_double(const double* x, double* grad) const = 0;

  // Hessian-vector products of log R (reverse-KL training with the Langevin parametrisation):
  // hv = (nabla^2 log R)(x) v for one particle in double precision, and for n particles in float
  // (x, v, hv: n x dim, row-major; evaluated per particle in double). Targets without them refuse.
  virtual bool has_hessian_vector_product() const { return false; }
  virtual void hessian_vector_product(const double* x, const double* v, double* hv) const;
  void hessian_vector_products(const float* x, const float* v, std::size_t n, float* hv) const;

  // log Z where it is known exactly (or to quadrature precision), else empty.
  std::optional<double> log_normaliser() const { return log_normaliser_; }

  // Exact samples (n x dim), keyed by seed so that they are reproducible.
  virtual bool has_exact_sampler() const { return false; }
  virtual void sample_exact(std::uint64_t seed, std::size_t n, float* out) const;

  // Mixtures: the component locations (k x dim, row-major) and a length scale for mode coverage.
  virtual std::vector<double> mode_locations() const { return {}; }
  virtual double mode_radius() const { return 0.0; }

  // log R is -inf outside a set (box_gaussian's box): samplers whose steps follow the gradient
  // without a Metropolis or proximal correction refuse such a target (make_particle_sampler).
  virtual bool bounded_support() const { return false; }

  // The parameters the target was built with, every default filled in (for metrics JSON).
  const params& resolved_params() const { return resolved_; }

 protected:
  target(std::string name, int dim) : name_(std::move(name)), dim_(dim) {}
  std::string name_;
  int dim_;
  std::optional<double> log_normaliser_;
  params resolved_;
};

}  // namespace dmt
