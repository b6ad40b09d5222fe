#include "dmt/mmle/models/logistic_prior_mean.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <xsimd/xsimd.hpp>

#include "dmt/data.hpp"
#include "dmt/fast_exp.hpp"
#include "dmt/mmle/latent_model.hpp"
#include "dmt/mmle/models/logistic_prior_mean_kernel.hpp"
#include "dmt/simd.hpp"
#include "dmt/registry.hpp"

namespace dmt {

const wisconsin_data& wisconsin_original() {
  static const wisconsin_data data = [] {
    // header line; 9 features, malignant, test_split
    const auto rows = parse_csv_numbers(embedded_file("breast_cancer_wisconsin_original.csv"), 1);
    wisconsin_data w;
    const int p = 9;
    w.features = p;
    const double n = double(rows.size());
    std::vector<double> mean(p, 0.0), var(p, 0.0);
    for (const auto& r : rows)
      for (int j = 0; j < p; ++j) mean[j] += r[j] / n;
    for (const auto& r : rows)
      for (int j = 0; j < p; ++j) var[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
    for (const auto& r : rows) {
      auto& xs = r[p + 1] != 0.0 ? w.test_x : w.train_x;
      auto& ys = r[p + 1] != 0.0 ? w.test_y : w.train_y;
      for (int j = 0; j < p; ++j) xs.push_back((r[j] - mean[j]) / std::sqrt(var[j]));
      ys.push_back(r[p]);
    }
    return w;
  }();
  return data;
}

namespace {

using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }

class logistic_prior_mean final : public latent_model {
 public:
  explicit logistic_prior_mean(const params& p) : data_(wisconsin_original()) {
    resolved_ = p;
    variance_ = p.number("prior_variance");
    theta0_ = p.number("theta0");
    x0_ = p.number("x0");
    if (!(variance_ > 0.0) || !std::isfinite(variance_)) throw input_error("blr_wisconsin: prior_variance must be positive");
    if (!std::isfinite(theta0_) || !std::isfinite(x0_)) throw input_error("blr_wisconsin: theta0 and x0 must be finite");
    const int d = data_.features;
    train_ = Eigen::Map<const row_matrix>(data_.train_x.data(), data_.train_y.size(), d);
    test_ = Eigen::Map<const row_matrix>(data_.test_x.data(), data_.test_y.size(), d);
    labels_ = Eigen::Map<const Eigen::VectorXd>(data_.train_y.data(), data_.train_y.size());
    if (d > 16) throw input_error("blr_wisconsin: at most 16 features");
    kernel_ = {d, static_cast<int>(data_.train_y.size()), data_.train_x.data(), data_.train_y.data(), variance_,
               -0.5 * d * std::log(2.0 * M_PI * variance_)};
    const std::string precision = p.string("precision");
    if (precision != "float64" && precision != "float32")
      throw input_error("blr_wisconsin: precision must be float64 or float32 (got '" + precision + "')");
    single_ = precision == "float32";
    train_x32_.assign(data_.train_x.begin(), data_.train_x.end());
    train_y32_.assign(data_.train_y.begin(), data_.train_y.end());
    kernel32_ = {d, static_cast<int>(data_.train_y.size()), train_x32_.data(), train_y32_.data(),
                 static_cast<float>(variance_), static_cast<float>(kernel_.log_norm)};
  }
  std::string name() const override { return "blr_wisconsin"; }
  int latent_dim() const override { return data_.features; }
  int theta_dim() const override { return 1; }
  std::vector<std::string> theta_names() const override { return {"prior_mean"}; }

  // The per-particle kernel (logistic_prior_mean_kernel.hpp) on xsimd batches, one particle per
  // lane (doubles, or floats with precision=float32).
  void evaluate(const double* theta, const double* x, std::size_t n, double* lj, double* gx,
                double* gth) const override {
    if (single_)
      evaluate_lanes<float>(kernel32_, static_cast<float>(theta[0]), x, n, lj, gx, gth);
    else
      evaluate_lanes<double>(kernel_, theta[0], x, n, lj, gx, gth);
  }

  template <class S>
  void evaluate_lanes(const logistic_prior_mean_kernel_of<S>& kernel, S theta, const double* x, std::size_t n,
                      double* lj, double* gx, double* gth) const {
    using batch = xsimd::batch<S>;
    constexpr std::size_t W = batch::size;
    const int d = data_.features;
    const bool want_log = lj != nullptr;
    alignas(64) S lane[64];
    // W particles per batch; a last, partial batch repeats its first particle in the spare lanes
    // (every particle gets the same arithmetic, wherever its chunk ends)
    for (std::size_t i = 0; i < n; i += W) {
      const std::size_t m = std::min<std::size_t>(W, n - i);
      batch xb[16], gb[16], gt;
      for (int j = 0; j < d; ++j) {
        for (std::size_t l = 0; l < W; ++l) lane[l] = static_cast<S>(x[(i + (l < m ? l : 0)) * d + j]);
        xb[j] = batch::load_unaligned(lane);
      }
      // want_log as a constant in each branch: the inlined kernel drops the softplus from the row loop
      const batch lp = want_log ? kernel.evaluate(xb, theta, gb, gt, true) : kernel.evaluate(xb, theta, gb, gt, false);
      for (int j = 0; j < d; ++j) {
        gb[j].store_unaligned(lane);
        if (gx)
          for (std::size_t l = 0; l < m; ++l) gx[(i + l) * d + j] = lane[l];
      }
      gt.store_unaligned(lane);
      if (gth) std::copy(lane, lane + m, gth + i);
      lp.store_unaligned(lane);
      if (lj) std::copy(lane, lane + m, lj + i);
    }
  }
  bool neg_theta_hessian(const double*, const double*, std::size_t, double* out) const override {
    out[0] = double(data_.features) / variance_;
    return true;
  }
  bool m_step(const double* x, std::size_t n, double* theta) const override {
    double s = 0.0;
    for (std::size_t k = 0; k < n * data_.features; ++k) s += x[k];
    theta[0] = s / double(n * data_.features);
    return true;
  }
  std::vector<double> initial_theta() const override { return {theta0_}; }
  std::vector<double> initial_point() const override { return std::vector<double>(data_.features, x0_); }

  // acc: the sums over pooled particles, per test row, of sigmoid(f . x) (entries 0..m-1) and of
  // the particle's misclassification (m..2m-1); the sigmoids in SIMD batches over the rows.
  bool accumulate_predictions(const double* x, std::size_t n, std::vector<double>& acc) const override {
    using batch = xsimd::batch<double>;
    constexpr std::size_t W = batch::size;
    const Eigen::Map<const row_matrix> X(x, n, data_.features);
    const Eigen::MatrixXd Z = test_ * X.transpose();  // m x n, column-major
    const std::size_t m = data_.test_y.size();
    acc.resize(2 * m, 0.0);
    const double* labels = data_.test_y.data();
    for (Eigen::Index i = 0; i < Z.cols(); ++i) {
      const double* z = Z.col(i).data();
      std::size_t r = 0;
      for (; r + W <= m; r += W) {
        const batch zb = batch::load_unaligned(z + r), one(1.0);
        const batch e = exp_clamped(-xsimd::abs(zb)), inv = one / (one + e);
        const batch sig = xsimd::select(zb >= batch(0.0), inv, e * inv);
        const batch y = batch::load_unaligned(labels + r);
        // |predicted - actual| in arithmetic (comparing two masks with != is wrong on wasm's xsimd)
        const batch zero(0.0);
        const batch wrong = xsimd::abs(xsimd::select(sig >= batch(0.5), one, zero) - xsimd::select(y != zero, one, zero));
        (batch::load_unaligned(acc.data() + r) + sig).store_unaligned(acc.data() + r);
        (batch::load_unaligned(acc.data() + m + r) + wrong).store_unaligned(acc.data() + m + r);
      }
      for (; r < m; ++r) {
        const double sg = sigmoid(z[r]);
        acc[r] += sg;
        acc[m + r] += ((sg >= 0.5) != (labels[r] != 0.0)) ? 1.0 : 0.0;
      }
    }
    return true;
  }
  std::optional<prediction_scores> score_predictions(const std::vector<double>& acc, double pooled) const override {
    prediction_scores s;
    const std::size_t m = data_.test_y.size();
    s.test_rows = m;
    for (std::size_t r = 0; r < m; ++r) {
      const double p1 = acc[r] / pooled;  // pooled posterior predictive P(label 1)
      const bool one = data_.test_y[r] != 0.0;
      s.lppd += std::log(one ? p1 : 1.0 - p1) / double(m);
      s.error_pooled += ((p1 >= 0.5) != one ? 1.0 : 0.0) / double(m);
      s.error_per_particle += acc[m + r] / pooled / double(m);
    }
    return s;
  }
  model_run_defaults run_defaults(const std::string&) const override {
    return {100, 400, 1e-2, 200};  // ParEM's bayesian_logistic_regression notebook (Table 1)
  }

 private:
  const wisconsin_data& data_;
  double variance_, theta0_, x0_;
  row_matrix train_, test_;
  Eigen::VectorXd labels_;
  logistic_prior_mean_kernel kernel_{};
  bool single_ = false;  // precision=float32
  std::vector<float> train_x32_, train_y32_;
  logistic_prior_mean_kernel_of<float> kernel32_{};
};

}  // namespace

DMT_REGISTER_COMPONENTS(logistic_prior_mean_model) {
  r.add({.kind = component_kind::model,
         .name = "blr_wisconsin",
         .summary = "Bayesian logistic regression, prior N(theta 1, v I) with learned mean theta, on the original "
                    "Wisconsin breast-cancer data (546 train / 137 test rows; Kuntz, Lim & Johansen 2023, 3.1)",
         .parameters = {number_param("prior_variance", 5.0, "v, the prior variance of each weight"),
                        number_param("theta0", 0.0, "initial theta"),
                        number_param("x0", 0.0, "every particle's every coordinate at the start"),
                        string_param("precision", "float64",
                                     "the likelihood's arithmetic: float64, or float32 (twice the SIMD lanes; sums "
                                     "over the 546 rows carry ~1e-6 relative error)")
                            .one_of({"float64", "float32"})},
         .listing_order = 20,
         .make_model = [](const params& p) -> std::unique_ptr<latent_model> {
           return std::make_unique<logistic_prior_mean>(p);
         }});
}

}  // namespace dmt
