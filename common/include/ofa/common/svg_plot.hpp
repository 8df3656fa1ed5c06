// A small SVG plotting module for the tools' plots (front, latency-model quality, runtime trace): linear axes with round ticks, and marks placed through one data-to-pixel mapping.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace ofa::common {

// A closed interval of data values on one axis.
struct Range {
  double lo = 0, hi = 1;
  double span() const { return hi - lo; }
  bool contains(double v) const { return v >= lo && v <= hi; }
};

// The smallest range holding every finite value; `fallback` when there is none.
Range range_of(const std::vector<double>& values, Range fallback = {0, 1});
// `r` widened by `fraction` of its span on each side. A range narrower than `min_span` (a
// single value, say) is first widened to it around its middle, so the axis never has zero
// length and its ticks stay meaningful.
Range padded(Range r, double fraction, double min_span);

// Round ticks: integer multiples of a step of 1, 2 or 5 x 10^k, about `count` of them inside `r`.
struct Ticks {
  double step = 1;
  std::vector<double> values;
};
// The round step (1, 2 or 5 x 10^k) nearest to `raw` by ratio.
double nice_step(double raw);
Ticks nice_ticks(Range r, int count);
// A tick's label with the decimals its step needs. A value that rounds to zero prints as
// "0" (or "0.0" ...), never "-0": ticks near zero come out of floating-point sums as -1e-17.
std::string format_tick(double value, double step);

struct Point {
  double x = 0, y = 0;
};

// Clips a polygon (data coordinates) to the rectangle x in `x`, y in `y` (Sutherland-Hodgman:
// exact for convex polygons, such as a band between two lines). Empty when nothing is left.
std::vector<Point> clip_polygon(const std::vector<Point>& polygon, Range x, Range y);

// The image's size and the margins around the plot area, in pixels.
struct PlotLayout {
  double width = 860, height = 520;
  double left = 70, right = 170, top = 40, bottom = 50;  // `right` holds the legend
  double title_size = 15;
};

// One axis: the data range it spans (exactly: pad it first with `padded`), its label, and
// how its ticks read. Tick labels show value x `label_scale` (accuracy fractions as %), and
// the ticks are round in those shown units.
struct Axis {
  Range range;
  std::string label;
  int ticks = 6;  // about how many
  double label_scale = 1;
};

// How a line or an outline is drawn.
struct Stroke {
  Stroke(std::string colour = "black", double width = 1, std::string dash = "")
      : colour(std::move(colour)), width(width), dash(std::move(dash)) {}
  std::string colour;
  double width;
  std::string dash;  // an SVG stroke-dasharray ("6,4"); empty: solid
};

// A marker a point can be drawn with.
enum class Marker {
  Circle,
  TriangleDown,  // a point pinned to the bottom edge: its value lies below the axis
  TriangleUp,    // one pinned to the top edge
};

// How a point is drawn: `fill` or `outline` "none" for an open or an unoutlined mark.
struct MarkStyle {
  Marker marker = Marker::Circle;
  double size = 3;  // a circle's radius; a triangle's half-width
  std::string fill = "none", outline = "none";
};

// A line of the legend: a mark, a line or a swatch, and its text.
struct LegendEntry {
  enum class Kind { Mark, Line, Swatch } kind = Kind::Mark;
  MarkStyle mark;
  Stroke line;
  std::string swatch;  // the fill of a Swatch
  std::string text;
};

// A plot being drawn: axes fixed at construction, marks added in drawing order (later ones
// on top), rendered by svg(). A value: copy it to draw variants of the same plot.
class SvgPlot {
 public:
  SvgPlot(PlotLayout layout, Axis x, Axis y, std::string title);

  // Data to pixel: linear, lo at the left or bottom edge of the plot area, hi at the right
  // or top. Values outside the range map outside the area; callers pin or clip them.
  double x_px(double x) const;
  double y_px(double y) const;
  // The plot area in pixels.
  double area_left() const { return layout_.left; }
  double area_right() const { return layout_.width - layout_.right; }
  double area_top() const { return layout_.top; }
  double area_bottom() const { return layout_.height - layout_.bottom; }
  const Axis& x_axis() const { return x_; }
  const Axis& y_axis() const { return y_; }
  // The ticks drawn on each axis, in data units (labels are these x label_scale).
  std::vector<double> x_ticks() const;
  std::vector<double> y_ticks() const;

  // A point in data coordinates.
  void mark(Point p, const MarkStyle& style);
  // A marker at a pixel position (a point pinned to an edge, say).
  void mark_px(double px, double py, const MarkStyle& style);
  void segment(Point a, Point b, const Stroke& stroke);
  void polyline(const std::vector<Point>& points, const Stroke& stroke);
  // A filled polygon, clipped to the plot area.
  void polygon(const std::vector<Point>& points, const std::string& fill);
  // Lines across the whole plot area at y, or at x.
  void hline(double y, const Stroke& stroke);
  void vline(double x, const Stroke& stroke);
  // Shaded spans over the plot's full height (x0..x1) or width (y0..y1), clipped to it;
  // `tooltip`, when given, becomes its <title>.
  void x_span(double x0, double x1, const std::string& fill, const std::string& tooltip = "");
  void y_span(double y0, double y1, const std::string& fill, const std::string& tooltip = "");
  // Text at a pixel position; anchor "start", "middle" or "end".
  void text_px(double px, double py, const std::string& text, const std::string& anchor = "start", const std::string& colour = "",
               double size = 0);
  void legend(const LegendEntry& entry);

  std::string svg() const;

 private:
  std::string mark_element(double px, double py, const MarkStyle& style) const;

  PlotLayout layout_;
  Axis x_, y_;
  std::string title_;
  std::string body_;  // the marks, in drawing order
  std::vector<LegendEntry> legend_;
};

}  // namespace ofa::common
