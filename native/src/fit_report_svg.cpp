// report.svg of `dmt fit`: theta_k per algorithm, one panel per coordinate of theta, then log Z_k
// (JALA-EM) with the exact log p_theta_k(y) where the model has it.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "dmt/native/fit_command.hpp"

namespace dmt {
namespace {

const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"};

struct series {
  std::string label, colour;
  std::vector<double> y;
  bool dashed = false;
};

void panel(std::ostringstream& s, double top, const std::string& title, const std::vector<series>& lines,
           const std::optional<double>& reference, const std::string& reference_label) {
  const double left = 70, width = 560, height = 200;
  double lo = INFINITY, hi = -INFINITY;
  std::size_t n = 1;
  for (const auto& l : lines)
    for (double v : l.y)
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v), n = std::max(n, l.y.size());
  if (reference) lo = std::min(lo, *reference), hi = std::max(hi, *reference);
  if (!(hi > lo)) hi = lo + 1.0;
  const double pad = 0.05 * (hi - lo);
  lo -= pad;
  hi += pad;
  const auto X = [&](std::size_t k) { return left + width * double(k) / double(std::max<std::size_t>(1, n - 1)); };
  const auto Y = [&](double v) { return top + height * (hi - v) / (hi - lo); };
  s << "<text x='" << left << "' y='" << top - 8 << "' font-size='13'>" << title << "</text>\n";
  s << "<rect x='" << left << "' y='" << top << "' width='" << width << "' height='" << height
    << "' fill='none' stroke='#999'/>\n";
  for (double f : {0.0, 0.5, 1.0}) {
    const double v = lo + f * (hi - lo);
    s << "<text x='" << left - 6 << "' y='" << Y(v) + 4 << "' font-size='10' text-anchor='end'>" << v << "</text>\n";
  }
  s << "<text x='" << left + width << "' y='" << top + height + 14 << "' font-size='10' text-anchor='end'>step "
    << n - 1 << "</text>\n";
  if (reference)
    s << "<line x1='" << left << "' x2='" << left + width << "' y1='" << Y(*reference) << "' y2='" << Y(*reference)
      << "' stroke='black' stroke-dasharray='2,3'/><text x='" << left + width - 4 << "' y='" << Y(*reference) - 4
      << "' font-size='10' text-anchor='end'>" << reference_label << "</text>\n";
  double legend_y = top + 14;
  for (const auto& l : lines) {
    s << "<polyline fill='none' stroke='" << l.colour << "' stroke-width='1.3'"
      << (l.dashed ? " stroke-dasharray='5,3'" : "") << " points='";
    const std::size_t stride = std::max<std::size_t>(1, l.y.size() / 1000);
    for (std::size_t k = 0; k < l.y.size(); k += stride)
      if (std::isfinite(l.y[k])) s << X(k) << "," << Y(l.y[k]) << " ";
    s << "'/>\n<text x='" << left + width + 8 << "' y='" << legend_y << "' font-size='11' fill='" << l.colour << "'>"
      << l.label << "</text>\n";
    legend_y += 14;
  }
}

}  // namespace

std::string fit_report_svg(const fit_run& run) {
  const latent_model& m = *run.model;
  const int p = m.theta_dim();
  const auto mle = m.theta_mle();
  bool has_z = false;
  for (const auto& o : run.outcomes) has_z = has_z || !o.runs.front().log_z_path.empty();
  const int panels = p + (has_z ? 1 : 0);
  std::ostringstream s;
  s.precision(4);
  s << "<svg xmlns='http://www.w3.org/2000/svg' width='760' height='" << 40 + 250 * panels
    << "' font-family='sans-serif'>\n<rect width='100%' height='100%' fill='white'/>\n";
  s << "<text x='20' y='22' font-size='15'>dmt fit: " << m.name() << "</text>\n";
  for (int j = 0; j < p; ++j) {
    std::vector<series> lines;
    for (std::size_t a = 0; a < run.outcomes.size(); ++a) {
      const fit_result& r = run.outcomes[a].runs.front();
      series l{run.outcomes[a].algorithm, kColours[a % 7], {}};
      for (std::size_t k = j; k < r.theta_path.size(); k += p) l.y.push_back(r.theta_path[k]);
      lines.push_back(std::move(l));
    }
    panel(s, 60 + 250 * j, "theta_k: " + m.theta_names()[j], lines,
          mle ? std::optional<double>((*mle)[j]) : std::nullopt, "exact MLE");
  }
  if (has_z) {
    std::vector<series> lines;
    for (std::size_t a = 0; a < run.outcomes.size(); ++a) {
      const fit_result& r = run.outcomes[a].runs.front();
      if (r.log_z_path.empty()) continue;
      lines.push_back({run.outcomes[a].algorithm + " log Z_k", kColours[a % 7], r.log_z_path});
      series exact{"exact log p(y)", "black", {}, true};
      for (std::size_t k = 0; k < r.log_z_path.size(); ++k) {
        const auto lz = m.log_marginal(r.theta_path.data() + k * p);
        if (!lz) break;
        exact.y.push_back(*lz);
      }
      if (!exact.y.empty()) lines.push_back(std::move(exact));
    }
    panel(s, 60 + 250 * p, "log Z_k (running marginal-likelihood estimate)", lines, std::nullopt, "");
  }
  s << "</svg>\n";
  return s.str();
}

}  // namespace dmt
