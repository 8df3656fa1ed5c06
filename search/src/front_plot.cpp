#include "ofa/search/front_plot.hpp"

#include <algorithm>
#include <cmath>

#include "ofa/common/svg_text.hpp"

namespace ofa::search {

using common::svg_number;

namespace {

constexpr double kWidth = 860, kHeight = 520, kLeft = 70, kRight = 170, kTop = 40, kBottom = 50;

}  // namespace

std::string plot_front_svg(const common::MeasuredFile& m, const common::LibraryFile& front, const common::LibraryFile& chosen,
                           const std::string& title) {
  double x_lo = 1e300, x_hi = -1e300, y_lo = 1e300, y_hi = -1e300;
  auto extend = [&](double x, double y) {
    x_lo = std::min(x_lo, x);
    x_hi = std::max(x_hi, x);
    y_lo = std::min(y_lo, y);
    y_hi = std::max(y_hi, y);
  };
  for (const auto& r : m.rows) {
    extend(r.measured.median_ms, r.candidate.predicted_accuracy);
    if (r.measured_accuracy) extend(r.measured.median_ms, *r.measured_accuracy);
  }
  for (const auto& l : front.levels) extend(l.latency_median_ms, l.accuracy);
  if (!(x_hi > x_lo)) x_hi = x_lo + 1;
  if (!(y_hi > y_lo)) y_hi = y_lo + 0.01;
  // A margin of 5 % around the points.
  const double dx = (x_hi - x_lo) * 0.05, dy = (y_hi - y_lo) * 0.05;
  x_lo -= dx, x_hi += dx, y_lo -= dy, y_hi += dy;
  const double pw = kWidth - kLeft - kRight, ph = kHeight - kTop - kBottom;
  auto X = [&](double v) { return kLeft + (v - x_lo) / (x_hi - x_lo) * pw; };
  auto Y = [&](double v) { return kTop + ph - (v - y_lo) / (y_hi - y_lo) * ph; };

  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + svg_number(kWidth) + "\" height=\"" + svg_number(kHeight) +
                  "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + svg_number(kLeft) + "\" y=\"22\" font-size=\"15\">" + common::svg_escape(title) + "</text>\n";
  s += "<line x1=\"" + svg_number(kLeft) + "\" y1=\"" + svg_number(kTop + ph) + "\" x2=\"" + svg_number(kLeft + pw) + "\" y2=\"" +
       svg_number(kTop + ph) + "\" stroke=\"black\"/>\n";
  s += "<line x1=\"" + svg_number(kLeft) + "\" y1=\"" + svg_number(kTop) + "\" x2=\"" + svg_number(kLeft) + "\" y2=\"" + svg_number(kTop + ph) +
       "\" stroke=\"black\"/>\n";
  const double xs = common::tick_step(x_hi - x_lo, 8), ys = common::tick_step((y_hi - y_lo) * 100, 6) / 100;
  for (double t = std::ceil(x_lo / xs) * xs; t <= x_hi; t += xs)
    s += "<text x=\"" + svg_number(X(t)) + "\" y=\"" + svg_number(kTop + ph + 16) + "\" text-anchor=\"middle\">" + common::tick_label(t, xs) + "</text>\n";
  for (double t = std::ceil(y_lo / ys) * ys; t <= y_hi; t += ys)
    s += "<text x=\"" + svg_number(kLeft - 6) + "\" y=\"" + svg_number(Y(t) + 4) + "\" text-anchor=\"end\">" + common::tick_label(t * 100, ys * 100) +
         "</text>\n";
  s += "<text x=\"" + svg_number(kLeft + pw / 2) + "\" y=\"" + svg_number(kHeight - 10) + "\" text-anchor=\"middle\">measured latency, median (ms)</text>\n";
  s += "<text x=\"16\" y=\"" + svg_number(kTop + ph / 2) + "\" transform=\"rotate(-90 16 " + svg_number(kTop + ph / 2) +
       ")\" text-anchor=\"middle\">top-1 accuracy (%)</text>\n";

  const char* grey = "#9a9a9a";
  const char* blue = common::palette_colour(0);
  const char* orange = common::palette_colour(1);
  for (const auto& r : m.rows) {
    const double x = X(r.measured.median_ms);
    if (r.measured_accuracy)
      s += "<line x1=\"" + svg_number(x) + "\" y1=\"" + svg_number(Y(r.candidate.predicted_accuracy)) + "\" x2=\"" + svg_number(x) + "\" y2=\"" +
           svg_number(Y(*r.measured_accuracy)) + "\" stroke=\"#c8d8ea\"/>\n";
    s += "<circle cx=\"" + svg_number(x) + "\" cy=\"" + svg_number(Y(r.candidate.predicted_accuracy)) + "\" r=\"3\" fill=\"none\" stroke=\"" + grey +
         "\"/>\n";
    if (r.measured_accuracy)
      s += "<circle cx=\"" + svg_number(x) + "\" cy=\"" + svg_number(Y(*r.measured_accuracy)) + "\" r=\"3\" fill=\"" + blue + "\"/>\n";
  }
  std::string line;
  for (const auto& l : front.levels) line += svg_number(X(l.latency_median_ms)) + "," + svg_number(Y(l.accuracy)) + " ";
  s += "<polyline points=\"" + line + "\" fill=\"none\" stroke=\"" + orange + "\" stroke-width=\"1.5\"/>\n";
  for (std::size_t i = 0; i < chosen.levels.size(); ++i) {
    const auto& l = chosen.levels[i];
    s += "<circle cx=\"" + svg_number(X(l.latency_median_ms)) + "\" cy=\"" + svg_number(Y(l.accuracy)) + "\" r=\"6\" fill=\"" + orange +
         "\" stroke=\"black\"/>\n";
    s += "<text x=\"" + svg_number(X(l.latency_median_ms) + 8) + "\" y=\"" + svg_number(Y(l.accuracy) - 8) + "\">" + std::to_string(i) + "</text>\n";
  }
  // Legend.
  const double lx = kLeft + pw + 20;
  auto legend = [&](double y, const std::string& mark, const std::string& text) {
    s += mark + "<text x=\"" + svg_number(lx + 14) + "\" y=\"" + svg_number(y + 4) + "\">" + common::svg_escape(text) + "</text>\n";
  };
  legend(kTop + 10, "<circle cx=\"" + svg_number(lx) + "\" cy=\"" + svg_number(kTop + 10) + "\" r=\"3\" fill=\"none\" stroke=\"" + grey + "\"/>",
         "predicted");
  legend(kTop + 30, "<circle cx=\"" + svg_number(lx) + "\" cy=\"" + svg_number(kTop + 30) + "\" r=\"3\" fill=\"" + std::string(blue) + "\"/>",
         "measured");
  legend(kTop + 50,
         "<line x1=\"" + svg_number(lx - 6) + "\" y1=\"" + svg_number(kTop + 50) + "\" x2=\"" + svg_number(lx + 6) + "\" y2=\"" +
             svg_number(kTop + 50) + "\" stroke=\"" + orange + "\" stroke-width=\"1.5\"/>",
         "front (" + front.accuracy_source + ")");
  legend(kTop + 70, "<circle cx=\"" + svg_number(lx) + "\" cy=\"" + svg_number(kTop + 70) + "\" r=\"6\" fill=\"" + std::string(orange) + "\" stroke=\"black\"/>",
         "levels kept");
  s += "</svg>\n";
  return s;
}

}  // namespace ofa::search
