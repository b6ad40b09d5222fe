#include "dmt/targets/logistic_regression.hpp"

#include <cmath>

#include "dmt/data.hpp"
#include "dmt/registry.hpp"

namespace dmt {
namespace {

class logistic_regression_target final : public kernel_target<logistic_regression_kernel> {
 public:
  explicit logistic_regression_target(double prior_scale) : kernel_target("blr", 0) {
    // header "569,30,malignant,benign", then 30 features and a 0/1 label per row
    const auto rows = parse_csv_numbers(embedded_file("breast_cancer.csv"), 1);
    const int n = static_cast<int>(rows.size()), p = static_cast<int>(rows.front().size()) - 1;
    std::vector<double> mean(p, 0.0), var(p, 0.0);
    for (const auto& r : rows)
      for (int j = 0; j < p; ++j) mean[j] += r[j] / n;
    for (const auto& r : rows)
      for (int j = 0; j < p; ++j) var[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
    features_.resize(static_cast<std::size_t>(n) * p);
    labels_.resize(n);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < p; ++j) features_[i * p + j] = static_cast<float>((rows[i][j] - mean[j]) / std::sqrt(var[j]));
      labels_[i] = static_cast<float>(rows[i][p]);
    }
    dim_ = p + 1;
    kernel_ = {dim_,
               n,
               features_.data(),
               labels_.data(),
               static_cast<float>(1.0 / (prior_scale * prior_scale)),
               static_cast<float>(-0.5 * dim_ * std::log(2.0 * M_PI * prior_scale * prior_scale))};
    resolved_.set("prior_scale", prior_scale);
  }

 private:
  std::vector<float> features_, labels_;
};

}  // namespace

std::unique_ptr<target> make_logistic_regression(const params& p) {
  const double s = p.number("prior_scale");
  if (!(s > 0)) throw input_error("blr: prior_scale must be positive");
  return std::make_unique<logistic_regression_target>(s);
}

DMT_REGISTER_COMPONENTS(logistic_regression_targets) {
  r.add(
      {.kind = component_kind::target,
       .name = "blr",
       .summary = "Bayesian logistic regression on breast_cancer.csv (dim 31, standardised features); log Z unknown",
       .parameters = {number_param("prior_scale", 1.0, "standard deviation of the Gaussian prior on bias and weights")},
       .caps = {.cuda = true},
       .listing_order = 110,
       .make_target = make_logistic_regression});
}

}  // namespace dmt
