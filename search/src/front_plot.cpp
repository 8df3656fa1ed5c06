#include "ofa/search/front_plot.hpp"

#include <algorithm>
#include <cstdio>

#include "ofa/common/svg_plot.hpp"
#include "ofa/common/svg_text.hpp"

namespace ofa::search {

namespace {

using common::Marker;
using common::MarkStyle;
using common::Range;

// Points whose accuracy lies farther than this many front heights from the front are not
// allowed to stretch the axis: with random weights every measured accuracy is 0 % while the
// front (predicted) sits near 80 %, and fitting both would squash the front into a sliver.
constexpr double kReachInFrontHeights = 1.0;
// The least reach (a fraction, one percentage point), so a front of one or two near-equal
// levels still admits the candidates' points close to it.
constexpr double kMinReach = 0.01;

// Points drawn on an edge because their value lies beyond the axis; counted for the note.
struct Pinned {
  int count = 0;
  double lo = 1e300, hi = -1e300;
  void add(double v) { ++count, lo = std::min(lo, v), hi = std::max(hi, v); }
};

std::string percent(double fraction) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", 100 * fraction);
  return b;
}

// "20 measured accuracies at 0.00 %" or "... at 0.00 .. 3.10 %".
std::string pinned_note(const Pinned& p, const std::string& what, const std::string& where) {
  const std::string at = p.hi - p.lo < 5e-5 ? percent(p.lo) : percent(p.lo) + " .. " + percent(p.hi);
  return std::to_string(p.count) + " " + what + (p.count == 1 ? " accuracy" : " accuracies") + " at " + at + " %, " + where;
}

// The x axis: every latency drawn, padded.
Range latency_axis(const common::MeasuredFile& m, const common::LibraryFile& front, const common::LibraryFile& chosen) {
  std::vector<double> latencies;
  for (const auto& r : m.rows) latencies.push_back(r.measured.median_ms);
  for (const auto* lib : {&front, &chosen})
    for (const auto& l : lib->levels) latencies.push_back(l.latency_median_ms);
  return common::padded(common::range_of(latencies, {0, 1}), 0.05, 1);
}

// The y axis serves the front and the levels; the candidates' points join it when near.
Range accuracy_axis(const common::MeasuredFile& m, const common::LibraryFile& front, const common::LibraryFile& chosen) {
  std::vector<double> core, all_acc;
  for (const auto& r : m.rows) {
    all_acc.push_back(r.candidate.predicted_accuracy);
    if (r.measured_accuracy) all_acc.push_back(*r.measured_accuracy);
  }
  for (const auto* lib : {&front, &chosen})
    for (const auto& l : lib->levels) core.push_back(l.accuracy);
  const Range c = common::range_of(core, common::range_of(all_acc, {0, 1}));
  const double reach = std::max(kReachInFrontHeights * c.span(), kMinReach);
  const Range allowed{c.lo - reach, c.hi + reach};
  std::vector<double> shown = core;
  for (double a : all_acc)
    if (allowed.contains(a)) shown.push_back(a);
  const Range data = common::range_of(shown, c);
  Range y = common::padded(data, 0.05, 0.01);
  // Accuracy lies in 0 .. 100 %: the padding stops there rather than label -0.5 %.
  if (data.lo >= 0) y.lo = std::max(y.lo, 0.0);
  if (data.hi <= 1) y.hi = std::min(y.hi, 1.0);
  return y;
}

// The plot's colours and marks: grey rings predicted, blue dots measured, orange the front.
struct Styles {
  const std::string grey = "#9a9a9a", blue = common::palette_colour(0), orange = common::palette_colour(1);
  const MarkStyle predicted_mark{Marker::Circle, 3, "none", grey}, measured_mark{Marker::Circle, 3, blue, "none"};
  const MarkStyle level_mark{Marker::Circle, 6, orange, "black"};
  // Beyond the axis: a triangle on the edge, pointing the way the value lies.
  const MarkStyle below_mark{Marker::TriangleDown, 4, blue, "none"}, above_mark{Marker::TriangleUp, 4, blue, "none"};
  const MarkStyle predicted_below{Marker::TriangleDown, 4, "none", grey}, predicted_above{Marker::TriangleUp, 4, "none", grey};
};

// The points pinned on each edge, measured and predicted apart: for the notes and the legend.
struct PinnedAll {
  Pinned measured_below, measured_above, pred_below, pred_above;
};

// A point in range is marked where it lies; one beyond the axis is pinned on the edge it lies past.
void draw_point(common::SvgPlot& plot, const Range& y, double ms, double acc, const MarkStyle& in, const MarkStyle& below, const MarkStyle& above,
                Pinned& nb, Pinned& na) {
  if (acc < y.lo) {
    plot.mark_px(plot.x_px(ms), plot.area_bottom(), below);
    nb.add(acc);
  } else if (acc > y.hi) {
    plot.mark_px(plot.x_px(ms), plot.area_top(), above);
    na.add(acc);
  } else {
    plot.mark({ms, acc}, in);
  }
}

void draw_candidates(common::SvgPlot& plot, const Range& y, const common::MeasuredFile& m, const Styles& st, PinnedAll& pins) {
  for (const auto& r : m.rows) {
    const double ms = r.measured.median_ms, p = r.candidate.predicted_accuracy;
    // The join from predicted to measured, when both are on the plot (a pinned one's x says which it is).
    if (r.measured_accuracy && y.contains(p) && y.contains(*r.measured_accuracy)) plot.segment({ms, p}, {ms, *r.measured_accuracy}, {"#c8d8ea"});
    draw_point(plot, y, ms, p, st.predicted_mark, st.predicted_below, st.predicted_above, pins.pred_below, pins.pred_above);
    if (r.measured_accuracy)
      draw_point(plot, y, ms, *r.measured_accuracy, st.measured_mark, st.below_mark, st.above_mark, pins.measured_below, pins.measured_above);
  }
}

void draw_front_and_levels(common::SvgPlot& plot, const common::LibraryFile& front, const common::LibraryFile& chosen, const Styles& st) {
  std::vector<common::Point> line;
  for (const auto& l : front.levels) line.push_back({l.latency_median_ms, l.accuracy});
  plot.polyline(line, {st.orange, 1.5});
  for (std::size_t i = 0; i < chosen.levels.size(); ++i) {
    const auto& l = chosen.levels[i];
    plot.mark({l.latency_median_ms, l.accuracy}, st.level_mark);
    plot.text_px(plot.x_px(l.latency_median_ms) + 8, plot.y_px(l.accuracy) - 8, std::to_string(i));
  }
}

// Notes for pinned points: below the axis at the bottom right (the front never reaches
// there: slow and inaccurate is dominated), above it at the top left (fast and accurate).
void note_pinned(common::SvgPlot& plot, const PinnedAll& pins) {
  double below_y = plot.area_bottom() - 14, above_y = plot.area_top() + 24;
  for (const auto& [p, what] : {std::pair{&pins.measured_below, "measured"}, std::pair{&pins.pred_below, "predicted"}})
    if (p->count) {
      plot.text_px(plot.area_right() - 6, below_y, pinned_note(*p, what, "below the axis: drawn on its bottom edge"), "end");
      below_y -= 16;
    }
  for (const auto& [p, what] : {std::pair{&pins.measured_above, "measured"}, std::pair{&pins.pred_above, "predicted"}})
    if (p->count) {
      plot.text_px(plot.area_left() + 6, above_y, pinned_note(*p, what, "above the axis: drawn on its top edge"));
      above_y += 16;
    }
}

void add_legend(common::SvgPlot& plot, const common::LibraryFile& front, const Styles& st, const PinnedAll& pins) {
  plot.legend({common::LegendEntry::Kind::Mark, st.predicted_mark, {}, "", "predicted"});
  plot.legend({common::LegendEntry::Kind::Mark, st.measured_mark, {}, "", "measured"});
  plot.legend({common::LegendEntry::Kind::Line, {}, {st.orange, 1.5}, "", "front (" + front.accuracy_source + ")"});
  plot.legend({common::LegendEntry::Kind::Mark, st.level_mark, {}, "", "levels kept"});
  if (pins.measured_below.count || pins.pred_below.count)
    plot.legend({common::LegendEntry::Kind::Mark, pins.measured_below.count ? st.below_mark : st.predicted_below, {}, "", "below the axis"});
  if (pins.measured_above.count || pins.pred_above.count)
    plot.legend({common::LegendEntry::Kind::Mark, pins.measured_above.count ? st.above_mark : st.predicted_above, {}, "", "above the axis"});
}

}  // namespace

std::string plot_front_svg(const common::MeasuredFile& m, const common::LibraryFile& front, const common::LibraryFile& chosen,
                           const std::string& title) {
  const Range x = latency_axis(m, front, chosen);
  const Range y = accuracy_axis(m, front, chosen);
  common::PlotLayout layout;  // 860 x 520, the legend on the right
  common::SvgPlot plot(layout, {x, "measured latency, median (ms)", 8, 1}, {y, "top-1 accuracy (%)", 6, 100}, title);
  const Styles st;
  PinnedAll pins;
  draw_candidates(plot, y, m, st, pins);
  draw_front_and_levels(plot, front, chosen, st);
  note_pinned(plot, pins);
  add_legend(plot, front, st, pins);
  return plot.svg();
}

}  // namespace ofa::search
