#include "ofa/common/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "ofa/common/svg_text.hpp"

namespace ofa::common {

namespace {

// Sizes (radii, widths) as short as they can be ("3", "2.2"): tests and readers match on them.
std::string size_number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

std::string stroke_attributes(const Stroke& s) {
  std::string a = " stroke=\"" + s.colour + "\"";
  if (s.width != 1) a += " stroke-width=\"" + size_number(s.width) + "\"";
  if (!s.dash.empty()) a += " stroke-dasharray=\"" + s.dash + "\"";
  return a;
}

std::string points_attribute(const std::vector<std::pair<double, double>>& px) {
  std::string s;
  for (const auto& [x, y] : px) {
    if (!s.empty()) s += " ";
    s += svg_number(x) + "," + svg_number(y);
  }
  return s;
}

// Ticks in the units the labels show (`scale` x data), returned in data units.
Ticks axis_ticks(const Axis& a) {
  Ticks t = nice_ticks({a.range.lo * a.label_scale, a.range.hi * a.label_scale}, a.ticks);
  for (double& v : t.values) v /= a.label_scale;
  return t;
}

}  // namespace

Range range_of(const std::vector<double>& values, Range fallback) {
  double lo = INFINITY, hi = -INFINITY;
  for (double v : values)
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  return lo <= hi ? Range{lo, hi} : fallback;
}

Range padded(Range r, double fraction, double min_span) {
  if (r.hi < r.lo) std::swap(r.lo, r.hi);
  if (r.span() < min_span) {
    const double mid = (r.lo + r.hi) / 2;
    r = {mid - min_span / 2, mid + min_span / 2};
  }
  const double pad = r.span() * fraction;
  return {r.lo - pad, r.hi + pad};
}

double nice_step(double raw) {
  if (!(raw > 0) || !std::isfinite(raw)) return 1;
  // The nearest by ratio: always rounding up (to 5 from 2.1, say) could leave one tick.
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  double best = p;
  for (double m : {2.0, 5.0, 10.0})
    if (std::abs(std::log(m * p / raw)) < std::abs(std::log(best / raw)) - 1e-12) best = m * p;
  return best;
}

Ticks nice_ticks(Range r, int count) {
  if (r.hi < r.lo) std::swap(r.lo, r.hi);
  double span = r.span();
  if (!(span > 0)) span = r.lo != 0 ? std::abs(r.lo) : 1;
  Ticks t;
  t.step = nice_step(span / std::max(count, 1));
  // Ticks are integer multiples of the step, never a running sum: a sum drifts (0.1 + 0.2),
  // and a multiple of zero is exactly zero, not -1e-17.
  const double k0 = std::ceil(r.lo / t.step - 1e-9), k1 = std::floor(r.hi / t.step + 1e-9);
  for (double k = k0; k <= k1 && t.values.size() < 1000; ++k) t.values.push_back(k == 0 ? 0.0 : k * t.step);
  return t;
}

std::string format_tick(double value, double step) {
  int decimals = 0;
  if (step > 0 && std::isfinite(step)) decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(step) - 1e-9)), 0, 12);
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", decimals, value);
  std::string s = b;
  // A negative value that rounds to zero prints "-0.0": the sign means nothing there.
  if (s[0] == '-' && s.find_first_not_of("0.", 1) == std::string::npos) s.erase(0, 1);
  return s;
}

std::vector<Point> clip_polygon(const std::vector<Point>& polygon, Range xr, Range yr) {
  std::vector<Point> out = polygon;
  // One half-plane at a time: `inside` says which side is kept, `cut` where an edge crosses it.
  auto clip = [&](auto inside, auto cut) {
    std::vector<Point> in = std::move(out);
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
      const Point a = in[(i + in.size() - 1) % in.size()], b = in[i];
      if (inside(b)) {
        if (!inside(a)) out.push_back(cut(a, b));
        out.push_back(b);
      } else if (inside(a)) {
        out.push_back(cut(a, b));
      }
    }
  };
  auto at_x = [](double x) {
    return [x](Point a, Point b) { return Point{x, a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x)}; };
  };
  auto at_y = [](double y) {
    return [y](Point a, Point b) { return Point{a.x + (b.x - a.x) * (y - a.y) / (b.y - a.y), y}; };
  };
  clip([&](Point p) { return p.x >= xr.lo; }, at_x(xr.lo));
  clip([&](Point p) { return p.x <= xr.hi; }, at_x(xr.hi));
  clip([&](Point p) { return p.y >= yr.lo; }, at_y(yr.lo));
  clip([&](Point p) { return p.y <= yr.hi; }, at_y(yr.hi));
  // A cut through a vertex repeats it; a polygon's vertices should each appear once.
  std::vector<Point> unique;
  for (const Point& p : out)
    if (unique.empty() || std::abs(p.x - unique.back().x) + std::abs(p.y - unique.back().y) > 1e-12 * (1 + std::abs(p.x) + std::abs(p.y)))
      unique.push_back(p);
  while (unique.size() > 1 && std::abs(unique.front().x - unique.back().x) + std::abs(unique.front().y - unique.back().y) <=
                                  1e-12 * (1 + std::abs(unique.front().x) + std::abs(unique.front().y)))
    unique.pop_back();
  return unique.size() >= 3 ? unique : std::vector<Point>{};
}

SvgPlot::SvgPlot(PlotLayout layout, Axis x, Axis y, std::string title)
    : layout_(layout), x_(std::move(x)), y_(std::move(y)), title_(std::move(title)) {
  // A zero-width range would divide by zero in the mapping; widen it rather than fail.
  if (!(x_.range.span() > 0)) x_.range = padded(x_.range, 0, 1);
  if (!(y_.range.span() > 0)) y_.range = padded(y_.range, 0, 1);
}

double SvgPlot::x_px(double x) const { return area_left() + (x - x_.range.lo) / x_.range.span() * (area_right() - area_left()); }

double SvgPlot::y_px(double y) const { return area_bottom() - (y - y_.range.lo) / y_.range.span() * (area_bottom() - area_top()); }

std::vector<double> SvgPlot::x_ticks() const { return axis_ticks(x_).values; }
std::vector<double> SvgPlot::y_ticks() const { return axis_ticks(y_).values; }

std::string SvgPlot::mark_element(double px, double py, const MarkStyle& m) const {
  std::string paint = " fill=\"" + m.fill + "\"";
  if (m.outline != "none") paint += " stroke=\"" + m.outline + "\"";
  if (m.marker == Marker::Circle)
    return "<circle cx=\"" + svg_number(px) + "\" cy=\"" + svg_number(py) + "\" r=\"" + size_number(m.size) + "\"" + paint + "/>\n";
  // A triangle with its tip on the point, so a point pinned to an edge touches it.
  const double base = m.marker == Marker::TriangleDown ? py - 1.6 * m.size : py + 1.6 * m.size;
  return "<polygon points=\"" + points_attribute({{px - m.size, base}, {px + m.size, base}, {px, py}}) + "\"" + paint + "/>\n";
}

void SvgPlot::mark(Point p, const MarkStyle& style) { body_ += mark_element(x_px(p.x), y_px(p.y), style); }

void SvgPlot::mark_px(double px, double py, const MarkStyle& style) { body_ += mark_element(px, py, style); }

void SvgPlot::segment(Point a, Point b, const Stroke& stroke) {
  body_ += "<line x1=\"" + svg_number(x_px(a.x)) + "\" y1=\"" + svg_number(y_px(a.y)) + "\" x2=\"" + svg_number(x_px(b.x)) + "\" y2=\"" +
           svg_number(y_px(b.y)) + "\"" + stroke_attributes(stroke) + "/>\n";
}

void SvgPlot::polyline(const std::vector<Point>& points, const Stroke& stroke) {
  std::vector<std::pair<double, double>> px;
  for (const Point& p : points) px.emplace_back(x_px(p.x), y_px(p.y));
  body_ += "<polyline points=\"" + points_attribute(px) + "\" fill=\"none\"" + stroke_attributes(stroke) + "/>\n";
}

void SvgPlot::polygon(const std::vector<Point>& points, const std::string& fill) {
  const std::vector<Point> clipped = clip_polygon(points, x_.range, y_.range);
  if (clipped.empty()) return;
  std::vector<std::pair<double, double>> px;
  for (const Point& p : clipped) px.emplace_back(x_px(p.x), y_px(p.y));
  body_ += "<polygon points=\"" + points_attribute(px) + "\" fill=\"" + fill + "\"/>\n";
}

void SvgPlot::hline(double y, const Stroke& stroke) {
  body_ += "<line x1=\"" + svg_number(area_left()) + "\" y1=\"" + svg_number(y_px(y)) + "\" x2=\"" + svg_number(area_right()) + "\" y2=\"" +
           svg_number(y_px(y)) + "\"" + stroke_attributes(stroke) + "/>\n";
}

void SvgPlot::vline(double x, const Stroke& stroke) {
  body_ += "<line x1=\"" + svg_number(x_px(x)) + "\" y1=\"" + svg_number(area_top()) + "\" x2=\"" + svg_number(x_px(x)) + "\" y2=\"" +
           svg_number(area_bottom()) + "\"" + stroke_attributes(stroke) + "/>\n";
}

void SvgPlot::x_span(double x0, double x1, const std::string& fill, const std::string& tooltip) {
  const double lo = std::max(std::min(x0, x1), x_.range.lo), hi = std::min(std::max(x0, x1), x_.range.hi);
  if (!(hi > lo)) return;
  body_ += "<rect x=\"" + svg_number(x_px(lo)) + "\" y=\"" + svg_number(area_top()) + "\" width=\"" + svg_number(x_px(hi) - x_px(lo)) +
           "\" height=\"" + svg_number(area_bottom() - area_top()) + "\" fill=\"" + fill + "\">" +
           (tooltip.empty() ? "" : "<title>" + svg_escape(tooltip) + "</title>") + "</rect>\n";
}

void SvgPlot::y_span(double y0, double y1, const std::string& fill, const std::string& tooltip) {
  const double lo = std::max(std::min(y0, y1), y_.range.lo), hi = std::min(std::max(y0, y1), y_.range.hi);
  if (!(hi > lo)) return;
  body_ += "<rect x=\"" + svg_number(area_left()) + "\" y=\"" + svg_number(y_px(hi)) + "\" width=\"" + svg_number(area_right() - area_left()) +
           "\" height=\"" + svg_number(y_px(lo) - y_px(hi)) + "\" fill=\"" + fill + "\">" +
           (tooltip.empty() ? "" : "<title>" + svg_escape(tooltip) + "</title>") + "</rect>\n";
}

void SvgPlot::text_px(double px, double py, const std::string& text, const std::string& anchor, const std::string& colour, double size) {
  body_ += "<text x=\"" + svg_number(px) + "\" y=\"" + svg_number(py) + "\"" + (anchor == "start" ? "" : " text-anchor=\"" + anchor + "\"") +
           (colour.empty() ? "" : " fill=\"" + colour + "\"") + (size > 0 ? " font-size=\"" + size_number(size) + "\"" : "") + ">" +
           svg_escape(text) + "</text>\n";
}

void SvgPlot::legend(const LegendEntry& entry) { legend_.push_back(entry); }

std::string SvgPlot::svg() const {
  const double L = area_left(), R = area_right(), T = area_top(), B = area_bottom();
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + svg_number(layout_.width) + "\" height=\"" + svg_number(layout_.height) +
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + svg_number(L) + "\" y=\"22\" font-size=\"" + size_number(layout_.title_size) + "\">" + svg_escape(title_) + "</text>\n";
  s += body_;
  // The axes after the marks, so shading and bands never hide them.
  s += "<line x1=\"" + svg_number(L) + "\" y1=\"" + svg_number(B) + "\" x2=\"" + svg_number(R) + "\" y2=\"" + svg_number(B) + "\" stroke=\"black\"/>\n";
  s += "<line x1=\"" + svg_number(L) + "\" y1=\"" + svg_number(T) + "\" x2=\"" + svg_number(L) + "\" y2=\"" + svg_number(B) + "\" stroke=\"black\"/>\n";
  const Ticks xt = axis_ticks(x_), yt = axis_ticks(y_);
  for (double t : xt.values) {
    const double px = x_px(t);
    s += "<line x1=\"" + svg_number(px) + "\" y1=\"" + svg_number(B) + "\" x2=\"" + svg_number(px) + "\" y2=\"" + svg_number(B + 4) + "\" stroke=\"black\"/>\n";
    s += "<text x=\"" + svg_number(px) + "\" y=\"" + svg_number(B + 17) + "\" text-anchor=\"middle\">" + format_tick(t * x_.label_scale, xt.step) + "</text>\n";
  }
  for (double t : yt.values) {
    const double py = y_px(t);
    s += "<line x1=\"" + svg_number(L - 4) + "\" y1=\"" + svg_number(py) + "\" x2=\"" + svg_number(L) + "\" y2=\"" + svg_number(py) + "\" stroke=\"black\"/>\n";
    s += "<text x=\"" + svg_number(L - 7) + "\" y=\"" + svg_number(py + 4) + "\" text-anchor=\"end\">" + format_tick(t * y_.label_scale, yt.step) + "</text>\n";
  }
  s += "<text x=\"" + svg_number((L + R) / 2) + "\" y=\"" + svg_number(layout_.height - 10) + "\" text-anchor=\"middle\">" + svg_escape(x_.label) + "</text>\n";
  const std::string mid = svg_number((T + B) / 2);
  s += "<text x=\"16\" y=\"" + mid + "\" transform=\"rotate(-90 16 " + mid + ")\" text-anchor=\"middle\">" + svg_escape(y_.label) + "</text>\n";
  // The legend in the right margin, one entry per 20 px.
  const double lx = R + 20;
  for (std::size_t i = 0; i < legend_.size(); ++i) {
    const LegendEntry& e = legend_[i];
    const double y = T + 10 + 20 * static_cast<double>(i);
    switch (e.kind) {
      case LegendEntry::Kind::Mark: {
        // A triangle's tip is its anchor: shift it so the triangle sits centred on the row.
        const double shift = e.mark.marker == Marker::TriangleDown ? 0.8 * e.mark.size : e.mark.marker == Marker::TriangleUp ? -0.8 * e.mark.size : 0;
        s += mark_element(lx, y + shift, e.mark);
        break;
      }
      case LegendEntry::Kind::Line:
        s += "<line x1=\"" + svg_number(lx - 7) + "\" y1=\"" + svg_number(y) + "\" x2=\"" + svg_number(lx + 7) + "\" y2=\"" + svg_number(y) + "\"" +
             stroke_attributes(e.line) + "/>\n";
        break;
      case LegendEntry::Kind::Swatch:
        s += "<rect x=\"" + svg_number(lx - 5) + "\" y=\"" + svg_number(y - 5) + "\" width=\"10\" height=\"10\" fill=\"" + e.swatch + "\"/>\n";
        break;
    }
    s += "<text x=\"" + svg_number(lx + 14) + "\" y=\"" + svg_number(y + 4) + "\">" + svg_escape(e.text) + "</text>\n";
  }
  s += "</svg>\n";
  return s;
}

}  // namespace ofa::common
