#include "dmt/native/report_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <sstream>

namespace dmt {
namespace {

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

std::string label(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3g", v);
  return b;
}

struct box {
  double x, y, w, h;
};

struct range {
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  void pad(double f) {
    if (!(hi > lo)) {
      lo -= 1;
      hi += 1;
    }
    const double p = (hi - lo) * f;
    lo -= p;
    hi += p;
  }
};

// Contour segments of f on a regular grid by marching squares (cell-centre disambiguation).
void contours(std::ostringstream& o, const std::vector<double>& f, int g, const range& rx, const range& ry,
              const box& b, double level, const char* colour) {
  auto px = [&](double i) { return b.x + (i / (g - 1)) * b.w; };
  auto py = [&](double j) { return b.y + b.h - (j / (g - 1)) * b.h; };
  o << "<path fill='none' stroke='" << colour << "' stroke-width='0.8' d='";
  for (int j = 0; j + 1 < g; ++j)
    for (int i = 0; i + 1 < g; ++i) {
      const double v[4] = {f[j * g + i], f[j * g + i + 1], f[(j + 1) * g + i + 1], f[(j + 1) * g + i]};
      const double cx[4] = {0, 1, 1, 0}, cy[4] = {0, 0, 1, 1};
      std::vector<std::pair<double, double>> pts;
      for (int e = 0; e < 4; ++e) {
        const int a = e, c = (e + 1) % 4;
        if ((v[a] >= level) != (v[c] >= level)) {
          const double s = (level - v[a]) / (v[c] - v[a]);
          pts.push_back({i + cx[a] + s * (cx[c] - cx[a]), j + cy[a] + s * (cy[c] - cy[a])});
        }
      }
      for (std::size_t k = 0; k + 1 < pts.size(); k += 2)
        o << "M" << num(px(pts[k].first)) << " " << num(py(pts[k].second)) << "L" << num(px(pts[k + 1].first)) << " "
          << num(py(pts[k + 1].second));
    }
  o << "'/>\n";
  (void)rx;
  (void)ry;
}

void axes(std::ostringstream& o, const box& b, const range& rx, const range& ry, const std::string& title,
          const std::string& xlabel) {
  o << "<rect x='" << num(b.x) << "' y='" << num(b.y) << "' width='" << num(b.w) << "' height='" << num(b.h)
    << "' fill='none' stroke='#444'/>\n";
  o << "<text x='" << num(b.x + b.w / 2) << "' y='" << num(b.y - 6) << "' text-anchor='middle' font-size='13'>" << title
    << "</text>\n";
  o << "<text x='" << num(b.x) << "' y='" << num(b.y + b.h + 14) << "' font-size='10'>" << label(rx.lo) << "</text>\n";
  o << "<text x='" << num(b.x + b.w) << "' y='" << num(b.y + b.h + 14) << "' font-size='10' text-anchor='end'>"
    << label(rx.hi) << "</text>\n";
  o << "<text x='" << num(b.x + b.w / 2) << "' y='" << num(b.y + b.h + 14) << "' font-size='10' text-anchor='middle'>"
    << xlabel << "</text>\n";
  o << "<text x='" << num(b.x - 4) << "' y='" << num(b.y + b.h) << "' font-size='10' text-anchor='end'>" << label(ry.lo)
    << "</text>\n";
  o << "<text x='" << num(b.x - 4) << "' y='" << num(b.y + 10) << "' font-size='10' text-anchor='end'>" << label(ry.hi)
    << "</text>\n";
}

void polyline(std::ostringstream& o, const std::vector<std::pair<double, double>>& pts, const box& b, const range& rx,
              const range& ry, const char* colour, bool dashed, bool markers) {
  std::string d;
  for (const auto& [x, y] : pts) {
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    const double px = b.x + (x - rx.lo) / (rx.hi - rx.lo) * b.w, py = b.y + b.h - (y - ry.lo) / (ry.hi - ry.lo) * b.h;
    d.push_back(d.empty() ? 'M' : 'L');
    d.append(num(px));
    d.push_back(' ');
    d.append(num(py));
    if (markers) o << "<circle cx='" << num(px) << "' cy='" << num(py) << "' r='2.5' fill='" << colour << "'/>\n";
  }
  if (!d.empty())
    o << "<path fill='none' stroke='" << colour << "' stroke-width='1.3'" << (dashed ? " stroke-dasharray='5,4'" : "")
      << " d='" << d << "'/>\n";
}

}  // namespace

std::string training_report_svg(const target& t, const float* x, int n, const std::vector<report_point>& curve,
                                const std::vector<report_eval>& evals, double log_z_true, const std::string& title) {
  const int d = t.dim();
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='1080' height='470' font-family='sans-serif'>\n"
    << "<rect width='1080' height='470' fill='white'/>\n"
    << "<text x='10' y='20' font-size='15'>" << title << "</text>\n";
  const int shown = std::min(n, 2000);
  // --- samples ---
  const int pairs = d == 2 ? 1 : std::min(3, d / 2 + (d % 2 ? 1 : 0));
  std::vector<float> ref;
  if (d != 2 && t.has_exact_sampler()) {
    ref.resize(static_cast<std::size_t>(shown) * d);
    t.sample_exact(12345, shown, ref.data());
  }
  for (int pidx = 0; pidx < pairs; ++pidx) {
    const int a = d == 2 ? 0 : std::min(2 * pidx, d - 2), c = a + 1;
    const box b = pairs == 1 ? box{50, 55, 380, 380} : box{50, 55 + pidx * 135.0, 380, 110};
    range rx, ry;
    for (int i = 0; i < shown; ++i) {
      rx.add(x[i * d + a]);
      ry.add(x[i * d + c]);
    }
    const auto modes = t.mode_locations();
    for (std::size_t m = 0; m + 1 < modes.size(); m += d) {
      rx.add(modes[m + a]);
      ry.add(modes[m + c]);
    }
    for (std::size_t i = 0; i < ref.size() / d; ++i) {
      rx.add(ref[i * d + a]);
      ry.add(ref[i * d + c]);
    }
    rx.pad(0.08);
    ry.pad(0.08);
    axes(o, b, rx, ry,
         d == 2 ? "samples over log-density contours"
                : "x" + std::to_string(a) + " vs x" + std::to_string(c) + " (grey: exact)",
         "");
    if (d == 2) {
      const int g = 120;
      std::vector<float> pts(static_cast<std::size_t>(g) * g * 2), lr(static_cast<std::size_t>(g) * g);
      for (int j = 0; j < g; ++j)
        for (int i = 0; i < g; ++i) {
          pts[(j * g + i) * 2] = float(rx.lo + (rx.hi - rx.lo) * i / (g - 1));
          pts[(j * g + i) * 2 + 1] = float(ry.lo + (ry.hi - ry.lo) * j / (g - 1));
        }
      t.evaluate(pts.data(), static_cast<std::size_t>(g) * g, lr.data(), nullptr);
      std::vector<double> f(lr.begin(), lr.end());
      double mx = -INFINITY;
      for (double v : f)
        if (std::isfinite(v)) mx = std::max(mx, v);
      for (double& v : f)
        if (!std::isfinite(v)) v = -1e30;
      for (double off : {0.5, 2.0, 4.5, 8.0, 12.5}) contours(o, f, g, rx, ry, b, mx - off, "#3b6fb6");
    }
    for (std::size_t i = 0; i < ref.size() / d; ++i)
      o << "<circle cx='" << num(b.x + (ref[i * d + a] - rx.lo) / (rx.hi - rx.lo) * b.w) << "' cy='"
        << num(b.y + b.h - (ref[i * d + c] - ry.lo) / (ry.hi - ry.lo) * b.h) << "' r='1.1' fill='#bbb'/>\n";
    for (int i = 0; i < shown; ++i) {
      if (!std::isfinite(x[i * d + a]) || !std::isfinite(x[i * d + c])) continue;
      o << "<circle cx='" << num(b.x + (x[i * d + a] - rx.lo) / (rx.hi - rx.lo) * b.w) << "' cy='"
        << num(b.y + b.h - (x[i * d + c] - ry.lo) / (ry.hi - ry.lo) * b.h)
        << "' r='1.2' fill='#d62728' fill-opacity='0.6'/>\n";
    }
  }
  // --- loss ---
  {
    const box b{520, 55, 520, 160};
    range rx, ry;
    bool positive = true;
    for (const auto& p : curve) {
      rx.add(double(p.iteration));
      positive = positive && p.loss > 0;
    }
    std::vector<std::pair<double, double>> pts;
    for (const auto& p : curve) {
      const double y = positive ? std::log10(p.loss) : p.loss;
      ry.add(y);
      pts.push_back({double(p.iteration), y});
    }
    rx.pad(0.0);
    ry.pad(0.05);
    axes(o, b, rx, ry, positive ? "training loss (log10)" : "training loss", "iteration");
    polyline(o, pts, b, rx, ry, "#333", false, false);
  }
  // --- log Z ---
  {
    const box b{520, 275, 520, 160};
    range rx, ry;
    std::vector<std::pair<double, double>> learned, elbo, rw, eubo;
    for (const auto& p : curve) {
      rx.add(double(p.iteration));
      learned.push_back({double(p.iteration), p.log_z});
    }
    for (const auto& e : evals) {
      rx.add(double(e.iteration));
      elbo.push_back({double(e.iteration), e.elbo});
      rw.push_back({double(e.iteration), e.log_z_rw});
      if (std::isfinite(e.eubo)) eubo.push_back({double(e.iteration), e.eubo});
      ry.add(e.elbo);
      ry.add(e.log_z_rw);
      ry.add(e.eubo);
    }
    // the learned log Z starts far off; scale to the evaluations and the last half of the curve
    for (std::size_t i = learned.size() / 2; i < learned.size(); ++i) ry.add(learned[i].second);
    ry.add(log_z_true);
    rx.pad(0.0);
    ry.pad(0.1);
    for (auto& p : learned) p.second = std::clamp(p.second, ry.lo, ry.hi);
    axes(o, b, rx, ry, "log Z estimates", "iteration");
    polyline(o, learned, b, rx, ry, "#888", false, false);
    polyline(o, elbo, b, rx, ry, "#1f77b4", false, true);
    polyline(o, rw, b, rx, ry, "#2ca02c", false, true);
    polyline(o, eubo, b, rx, ry, "#9467bd", false, true);
    if (std::isfinite(log_z_true))
      polyline(o, {{rx.lo, log_z_true}, {rx.hi, log_z_true}}, b, rx, ry, "#d62728", true, false);
    const char* names[] = {"learned log Z", "ELBO", "log Z_RW", "EUBO", "true log Z"};
    const char* colours[] = {"#888", "#1f77b4", "#2ca02c", "#9467bd", "#d62728"};
    for (int i = 0; i < 5; ++i)
      o << "<text x='" << 530 + i * 100 << "' y='460' font-size='11' fill='" << colours[i] << "'>" << names[i]
        << "</text>\n";
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace dmt
