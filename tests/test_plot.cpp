// The SVG plots' geometry: where marks land against the axes, the ticks, the latency model's
// ±10 % band and the front plot's y range. Coordinates are read back out of the SVG text (or
// taken from the plotting module's mapping), so the tests check positions, not colour codes.
#include "catch.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "ofa/common/svg_plot.hpp"
#include "ofa/runtime/adaptive/trace_plot.hpp"
#include "ofa/search/front_plot.hpp"
#include "ofa/search/latency_model_report.hpp"
#include "ofa/search/library_builder.hpp"
#include "ofa/search/random.hpp"
#include "ofa/search/sampling.hpp"


namespace {

// One SVG element: its tag and attributes, and the text up to the next tag (for <text>).
struct Element {
  std::string tag;
  std::map<std::string, std::string> attr;
  std::string text;
  double num(const std::string& key) const { return std::stod(attr.at(key)); }
};

std::vector<Element> elements(const std::string& svg) {
  std::vector<Element> out;
  static const std::regex tag_re(R"(<([a-z]+)((?:\s+[a-zA-Z0-9:-]+="[^"]*")*)\s*/?>([^<]*))");
  static const std::regex attr_re(R"(([a-zA-Z0-9:-]+)="([^"]*)\")");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), tag_re); it != std::sregex_iterator(); ++it) {
    Element e;
    e.tag = (*it)[1];
    const std::string attrs = (*it)[2];
    for (auto a = std::sregex_iterator(attrs.begin(), attrs.end(), attr_re); a != std::sregex_iterator(); ++a) e.attr[(*a)[1]] = (*a)[2];
    e.text = (*it)[3];
    out.push_back(e);
  }
  return out;
}

std::vector<Element> of_tag(const std::vector<Element>& all, const std::string& tag) {
  std::vector<Element> out;
  for (const Element& e : all)
    if (e.tag == tag) out.push_back(e);
  return out;
}

struct P {
  double x, y;
};

std::vector<P> points_of(const Element& e) {
  std::vector<P> out;
  static const std::regex pair_re(R"((-?[0-9.]+),(-?[0-9.]+))");
  const std::string pts = e.attr.at("points");
  for (auto it = std::sregex_iterator(pts.begin(), pts.end(), pair_re); it != std::sregex_iterator(); ++it)
    out.push_back({std::stod((*it)[1]), std::stod((*it)[2])});
  return out;
}

// The plot area as its axis lines draw it: the longest vertical line is the y axis, the
// longest horizontal one the x axis.
struct Area {
  double left = 0, right = 0, top = 0, bottom = 0;
};
Area plot_area(const std::vector<Element>& all) {
  Area a;
  double best_v = -1, best_h = -1;
  for (const Element& l : of_tag(all, "line")) {
    const double x1 = l.num("x1"), x2 = l.num("x2"), y1 = l.num("y1"), y2 = l.num("y2");
    if (x1 == x2 && std::abs(y2 - y1) > best_v) {
      best_v = std::abs(y2 - y1);
      a.top = std::min(y1, y2), a.bottom = std::max(y1, y2);
    }
    if (y1 == y2 && std::abs(x2 - x1) > best_h) {
      best_h = std::abs(x2 - x1);
      a.left = std::min(x1, x2), a.right = std::max(x1, x2);
    }
  }
  return a;
}

// A text that prints a negative zero ("-0", "-0.0", "-0.00" ...).
bool negative_zero(const std::string& s) { return std::regex_match(s, std::regex(R"(\s*[-−]0(\.0*)?\s*)")); }

// Whether segments ab and cd cross at a point interior to both (touching ends do not count).
bool cross(P a, P b, P c, P d) {
  auto orient = [](P p, P q, P r) { return (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x); };
  const double d1 = orient(a, b, c), d2 = orient(a, b, d), d3 = orient(c, d, a), d4 = orient(c, d, b);
  const double eps = 1e-9;
  return ((d1 > eps && d2 < -eps) || (d1 < -eps && d2 > eps)) && ((d3 > eps && d4 < -eps) || (d3 < -eps && d4 > eps));
}

bool simple_polygon(const std::vector<P>& v) {
  const std::size_t n = v.size();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) {
      if (j == i + 1 || (i == 0 && j == n - 1)) continue;  // neighbours share a vertex
      if (cross(v[i], v[(i + 1) % n], v[j], v[(j + 1) % n])) return false;
    }
  return true;
}

bool inside(const std::vector<P>& v, P p) {
  bool in = false;
  for (std::size_t i = 0, j = v.size() - 1; i < v.size(); j = i++)
    if ((v[i].y > p.y) != (v[j].y > p.y) && p.x < (v[j].x - v[i].x) * (p.y - v[i].y) / (v[j].y - v[i].y) + v[i].x) in = !in;
  return in;
}

ofa::common::MeasuredFile rising_candidates(int n, double measured_accuracy) {
  const ofa::common::SearchSpace space = ofa::common::search_space("ofa-mbv3-w1.2");
  ofa::search::Rng rng(7);
  ofa::common::MeasuredFile m;
  m.candidates = "c.yaml";
  m.profile_name = "test";
  m.space = "ofa-mbv3-w1.2";
  m.device = "cpu";
  m.weights = "random";
  for (int i = 0; i < n; ++i) {
    ofa::common::MeasuredRow r;
    r.candidate.id = i;
    r.candidate.arch = ofa::search::random_arch(space, rng);
    // Predicted accuracy 75 % .. 80 % rising with latency 10 .. 30 ms: every candidate on the front.
    r.candidate.predicted_accuracy = 0.75 + 0.05 * i / (n - 1);
    r.measured.median_ms = 10 + 20.0 * i / (n - 1);
    r.measured.p90_ms = r.measured.median_ms + 1;
    r.measured.count = 10;
    r.measured_accuracy = measured_accuracy;  // random weights: every network at 0 %
    m.rows.push_back(r);
  }
  return m;
}

}  // namespace

TEST_CASE("the plot maps data to pixels linearly across the plot area, and draws marks where it says", "[plot]") {
  using namespace ofa::common;
  PlotLayout layout;
  layout.width = 600, layout.height = 400, layout.left = 60, layout.right = 140, layout.top = 30, layout.bottom = 50;
  SvgPlot plot(layout, {{0, 10}, "x", 5, 1}, {{-1, 1}, "y", 4, 1}, "mapping");
  CHECK(plot.area_left() == 60);
  CHECK(plot.area_right() == 460);
  CHECK(plot.area_top() == 30);
  CHECK(plot.area_bottom() == 350);
  CHECK(plot.x_px(0) == Approx(60));
  CHECK(plot.x_px(10) == Approx(460));
  CHECK(plot.x_px(2.5) == Approx(160));
  CHECK(plot.y_px(-1) == Approx(350));  // lo at the bottom
  CHECK(plot.y_px(1) == Approx(30));
  CHECK(plot.y_px(0) == Approx(190));
  plot.mark({2.5, 0.5}, {Marker::Circle, 3, "none", "black"});
  plot.polyline({{0, -1}, {5, 0}, {10, 1}}, {});
  const std::vector<Element> all = elements(plot.svg());
  const std::vector<Element> circles = of_tag(all, "circle");
  REQUIRE(circles.size() == 1);
  CHECK(circles[0].num("cx") == Approx(160).margin(0.01));
  CHECK(circles[0].num("cy") == Approx(110).margin(0.01));
  const std::vector<P> line = points_of(of_tag(all, "polyline").at(0));
  REQUIRE(line.size() == 3);
  CHECK(line[1].x == Approx(260).margin(0.01));
  CHECK(line[1].y == Approx(190).margin(0.01));
  // The axes' lines bound the plot area.
  const Area area = plot_area(all);
  CHECK(area.left == 60);
  CHECK(area.right == 460);
  CHECK(area.top == 30);
  CHECK(area.bottom == 350);
  // Each y tick's label sits at the tick's pixel (baseline 4 px below it, for 12 px text).
  int labelled = 0;
  for (double t : plot.y_ticks())
    for (const Element& e : of_tag(all, "text"))
      if (e.attr.count("text-anchor") && e.attr.at("text-anchor") == "end" && e.text == format_tick(t, 0.5)) {
        CHECK(e.num("y") == Approx(plot.y_px(t) + 4).margin(0.01));
        ++labelled;
      }
  CHECK(labelled == 5);  // -1, -0.5, 0, 0.5, 1
}

TEST_CASE("ticks are round multiples of 1, 2 or 5 x 10^k inside the range, and none reads -0", "[plot]") {
  using namespace ofa::common;
  const Ticks t = nice_ticks({-0.3, 0.7}, 5);
  CHECK(t.step == Approx(0.2));
  REQUIRE(t.values.size() == 5);
  const std::vector<std::string> want = {"-0.2", "0.0", "0.2", "0.4", "0.6"};
  for (std::size_t i = 0; i < want.size(); ++i) CHECK(format_tick(t.values[i], t.step) == want[i]);
  CHECK(format_tick(-1e-17, 0.1) == "0.0");
  CHECK(format_tick(-1e-17, 1) == "0");
  CHECK(format_tick(-0.0, 0.01) == "0.00");
  CHECK(format_tick(-0.004, 0.01) == "0.00");
  CHECK(format_tick(-0.006, 0.01) == "-0.01");
  CHECK(format_tick(75, 1) == "75");
  CHECK(format_tick(0.0002, 0.0001) == "0.0002");
  CHECK(nice_step(0.2) == Approx(0.2));
  CHECK(nice_step(0.21) == Approx(0.2));
  CHECK(nice_step(0.4) == Approx(0.5));
  CHECK(nice_step(8) == Approx(10));
  CHECK(nice_step(249.75) == Approx(200));  // rounding up to 500 would leave one tick on [1, 999]

  // Many ranges, around zero and far from it, tiny and huge.
  for (double lo : {-0.3, -1e-17, -2.0, 0.0, 0.745, 10.0, -1234.5, 1e-6})
    for (double span : {1e-5, 0.06, 1.0, 7.3, 999.0}) {
      for (int count : {4, 6, 10}) {
        const Range r{lo, lo + span};
        const Ticks k = nice_ticks(r, count);
        INFO("range [" << r.lo << ", " << r.hi << "], " << count << " ticks, step " << k.step);
        const double mantissa = k.step / std::pow(10.0, std::floor(std::log10(k.step) + 1e-9));
        CHECK((std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 5) < 1e-6));
        CHECK(k.values.size() >= 2);
        CHECK(k.values.size() <= static_cast<std::size_t>(2 * count + 1));
        std::vector<std::string> labels;
        for (double v : k.values) {
          CHECK(v >= r.lo - 1e-9 * span);
          CHECK(v <= r.hi + 1e-9 * span);
          const double n = v / k.step;
          CHECK(std::abs(n - std::round(n)) < 1e-6);  // a multiple of the step
          labels.push_back(format_tick(v, k.step));
          CHECK_FALSE(negative_zero(labels.back()));
        }
        // Enough decimals that no two ticks read the same.
        CHECK(std::set<std::string>(labels.begin(), labels.end()).size() == labels.size());
      }
    }
}

TEST_CASE("polygons are clipped to the plot area, spans to its range", "[plot]") {
  using namespace ofa::common;
  // A triangle poking out of the top-right corner of [0, 10] x [0, 10].
  const std::vector<Point> c = clip_polygon({{0, 0}, {15, 0}, {0, 15}}, {0, 10}, {0, 10});
  REQUIRE(c.size() == 5);
  double area = 0;
  for (std::size_t i = 0, j = c.size() - 1; i < c.size(); j = i++) area += (c[j].x * c[i].y - c[i].x * c[j].y) / 2;
  CHECK(std::abs(area) == Approx(100 - 0.5 * 5 * 5));  // the square less the corner beyond x + y = 15
  for (const Point& p : c) {
    CHECK(p.x >= 0);
    CHECK(p.x <= 10);
    CHECK(p.y >= 0);
    CHECK(p.y <= 10);
  }
  CHECK(clip_polygon({{20, 20}, {30, 20}, {30, 30}}, {0, 10}, {0, 10}).empty());

  SvgPlot plot(PlotLayout{}, {{0, 10}, "x", 5, 1}, {{0, 1}, "y", 5, 1}, "spans");
  plot.x_span(8, 15, "#eee", "late");
  const std::vector<Element> rects = of_tag(elements(plot.svg()), "rect");
  REQUIRE(rects.size() == 2);  // the background and the span
  CHECK(rects[1].num("x") == Approx(plot.x_px(8)).margin(0.01));
  CHECK(rects[1].num("x") + rects[1].num("width") == Approx(plot.x_px(10)).margin(0.01));
  CHECK(rects[1].num("y") == Approx(plot.area_top()).margin(0.01));
  CHECK(rects[1].num("height") == Approx(plot.area_bottom() - plot.area_top()).margin(0.01));
}

TEST_CASE("padded ranges widen by a fraction, and a single value gets a span", "[plot]") {
  using namespace ofa::common;
  const Range r = padded({10, 30}, 0.05, 1);
  CHECK(r.lo == Approx(9));
  CHECK(r.hi == Approx(31));
  const Range one = padded({0.8, 0.8}, 0.05, 0.01);
  CHECK(one.lo < 0.8);
  CHECK(one.hi > 0.8);
  CHECK(one.span() == Approx(0.011));
  const Range none = range_of({}, {2, 3});
  CHECK(none.lo == 2);
  CHECK(none.hi == 3);
  CHECK(range_of({3, NAN, -1, 2}).lo == -1);
  // A zero-width axis is widened rather than dividing by zero.
  SvgPlot flat(PlotLayout{}, {{5, 5}, "x", 5, 1}, {{0, 1}, "y", 5, 1}, "flat");
  CHECK(std::isfinite(flat.x_px(5)));
}

TEST_CASE("the latency model's ±10 % band lies between predicted = 0.9 and 1.1 x measured, a simple polygon", "[plot][latency model]") {
  // The model on the diagonal, the table 10 % low: their circles give the data-to-pixel mapping.
  const std::vector<double> measured = {5, 10, 20, 40}, model = measured, table = {4.5, 9, 18, 36};
  const std::vector<Element> all = elements(ofa::search::plot_quality_svg(measured, model, table, "quality"));
  std::vector<Element> circles;
  for (const Element& c : of_tag(all, "circle"))
    if (c.attr.at("r") == "3") circles.push_back(c);
  REQUIRE(circles.size() >= 8);
  // Circles come in (table, model) pairs per network; the model's are at (m, m).
  std::vector<Element> on_diagonal;
  for (std::size_t i = 1; i < 8; i += 2) on_diagonal.push_back(circles[i]);
  const double sx = (on_diagonal[3].num("cx") - on_diagonal[0].num("cx")) / (40 - 5), x0 = on_diagonal[0].num("cx") - 5 * sx;
  const double sy = (on_diagonal[3].num("cy") - on_diagonal[0].num("cy")) / (40 - 5), y0 = on_diagonal[0].num("cy") - 5 * sy;
  // The table's circles at 0.9 x measured: the mapping is linear on both axes.
  CHECK(circles[6].num("cy") == Approx(y0 + 36 * sy).margin(0.02));
  CHECK(circles[0].num("cx") == Approx(x0 + 5 * sx).margin(0.02));
  auto data = [&](P px) { return P{(px.x - x0) / sx, (px.y - y0) / sy}; };

  const std::vector<Element> polygons = of_tag(all, "polygon");
  REQUIRE(polygons.size() == 1);
  std::vector<P> band;
  for (P p : points_of(polygons[0])) band.push_back(data(p));
  REQUIRE(band.size() >= 3);
  CHECK(simple_polygon(band));
  // Every vertex is on one of the two lines, or on the plot's edge (the top or the right,
  // where the band is clipped).
  double x_max = 0, y_max = 0;
  for (P p : band) x_max = std::max(x_max, p.x), y_max = std::max(y_max, p.y);
  const double tol = 0.01 * x_max;
  for (P p : band) {
    INFO("vertex " << p.x << ", " << p.y);
    const bool on_low = std::abs(p.y - 0.9 * p.x) < tol, on_high = std::abs(p.y - 1.1 * p.x) < tol;
    const bool on_edge = std::abs(p.x - x_max) < tol || std::abs(p.y - y_max) < tol;
    CHECK((on_low || on_high || on_edge));
  }
  // It covers the plotted range: from the origin to beyond the largest measurement.
  CHECK(x_max >= 40);
  // Inside: the diagonal and anything within ±10 %; outside: anything beyond.
  for (double x : {2.0, 10.0, 25.0, 40.0}) {
    INFO("x = " << x);
    CHECK(inside(band, {x, 1.0 * x}));
    CHECK(inside(band, {x, 1.05 * x}));
    CHECK(inside(band, {x, 0.95 * x}));
    CHECK_FALSE(inside(band, {x, 1.15 * x}));
    CHECK_FALSE(inside(band, {x, 0.85 * x}));
  }
  // The band's area is that of the region between the lines over [0, x_max], clipped at y_max.
  double area = 0;
  for (std::size_t i = 0, j = band.size() - 1; i < band.size(); j = i++) area += (band[j].x * band[i].y - band[i].x * band[j].y) / 2;
  const double full = (1.1 - 0.9) / 2 * x_max * x_max;
  const double cut = y_max < 1.1 * x_max ? (1.1 * x_max - y_max) * (x_max - y_max / 1.1) / 2 : 0;
  CHECK(std::abs(area) == Approx(full - cut).epsilon(0.02));
}

TEST_CASE("the front plot with measured accuracies of 0 keeps the front filling the plot, and no tick reads -0", "[plot][front]") {
  using namespace ofa::search;
  const ofa::common::MeasuredFile m = rising_candidates(20, 0.0);
  const ofa::common::LibraryFile front = build_library(m, "m.yaml", 0, AccuracySource::Predicted);
  const ofa::common::LibraryFile chosen = build_library(m, "m.yaml", 4, AccuracySource::Predicted);
  REQUIRE(front.levels.size() == 20);
  const std::string svg = plot_front_svg(m, front, chosen, "random weights");
  const std::vector<Element> all = elements(svg);
  const Area area = plot_area(all);
  REQUIRE(area.bottom - area.top > 100);

  const std::vector<Element> lines = of_tag(all, "polyline");
  REQUIRE(lines.size() == 1);
  const std::vector<P> f = points_of(lines[0]);
  REQUIRE(f.size() == 20);
  double lo = 1e9, hi = -1e9;
  for (P p : f) lo = std::min(lo, p.y), hi = std::max(hi, p.y);
  // The front (75 % .. 80 %) spans most of the plot's height, not a sliver at its top.
  CHECK(hi - lo >= 0.7 * (area.bottom - area.top));
  // Everything drawn lies within the plot area (give or take a marker's size).
  for (const Element& c : of_tag(all, "circle")) {
    if (c.num("cx") > area.right + 10) continue;  // the legend
    CHECK(c.num("cy") >= area.top - 1);
    CHECK(c.num("cy") <= area.bottom + 1);
  }
  for (const Element& t : of_tag(all, "text")) {
    INFO("text: " << t.text);
    CHECK_FALSE(negative_zero(t.text));
  }
  // The 20 measured accuracies are drawn pinned to the bottom edge, and a note says so.
  int pinned = 0;
  for (const Element& p : of_tag(all, "polygon")) {
    const std::vector<P> v = points_of(p);
    double y = -1e9;
    for (P q : v) y = std::max(y, q.y);
    if (v.size() == 3 && std::abs(y - area.bottom) < 1.5 && v[0].x <= area.right) ++pinned;
  }
  CHECK(pinned == 20);
  CHECK(svg.find("20 measured accuracies at 0.00 %") != std::string::npos);
}

TEST_CASE("the trace plot places each frame at its time and latency", "[plot][runtime]") {
  using namespace ofa::runtime;
  const std::vector<LevelSpec> levels = {{10, 0.70}, {25, 0.75}};
  std::vector<FrameRecord> f;
  // 0.5 s at 25 ms (on the target), then 0.5 s at 10 ms under contention.
  for (int i = 0; i < 40; ++i) {
    FrameRecord r;
    r.frame = i;
    r.time_s = i < 20 ? 0.025 * i : 0.5 + 0.025 * (i - 20);
    r.level = i < 20 ? 1 : 0;
    r.latency_ms = i < 20 ? 25 : 10;
    r.target_ms = 25;
    r.contention = i >= 20;
    f.push_back(r);
  }
  const std::vector<Element> all = elements(plot_trace_svg(f, levels, ContentionWindow{0.5, 1.0}, "trace"));
  const Area area = plot_area(all);
  std::vector<Element> dots;
  for (const Element& c : of_tag(all, "circle"))
    if (c.num("cx") <= area.right) dots.push_back(c);
  REQUIRE(dots.size() == 40);
  // Time 0 on the y axis, latency 0 on the x axis; both linear.
  CHECK(dots[0].num("cx") == Approx(area.left).margin(0.02));
  const double per_s = (dots[39].num("cx") - dots[0].num("cx")) / f[39].time_s;
  for (std::size_t i = 0; i < 40; ++i) CHECK(dots[i].num("cx") == Approx(area.left + per_s * f[i].time_s).margin(0.02));
  CHECK(area.bottom - dots[0].num("cy") == Approx(2.5 * (area.bottom - dots[39].num("cy"))).margin(0.05));
  // The 25 ms frames sit on the target line (the dashed horizontal one).
  bool on_target = false;
  for (const Element& l : of_tag(all, "line"))
    if (l.attr.count("stroke-dasharray") && l.num("y1") == l.num("y2")) on_target = std::abs(l.num("y1") - dots[0].num("cy")) < 0.02;
  CHECK(on_target);
  // The contention span starts where the first contended frame is drawn.
  bool span = false;
  for (const Element& r : of_tag(all, "rect"))
    if (r.attr.count("x") && std::abs(r.num("x") - dots[20].num("cx")) < 0.02) span = r.num("height") == Approx(area.bottom - area.top).margin(0.02);
  CHECK(span);
}
