// The SVG of `ofa-search pareto --plot`: candidates, the measured front and the levels kept.
#pragma once
#include <string>

#include "ofa/common/library_file.hpp"
#include "ofa/common/measured_file.hpp"

namespace ofa::search {

// `ofa-search pareto --plot`: accuracy against measured latency, as Dynamic-OFA's figures
// draw it: every measured candidate at its predicted accuracy (grey) and, where it has one,
// its measured accuracy (blue, joined to the predicted point), the whole front (a line) and
// the levels kept (orange, numbered). `front` is the library of every front point, `chosen`
// the levels written. The y axis serves the front and the levels: a point's accuracy more than
// a front's height beyond them (every measured one at 0 % with random weights) does not
// stretch it, but is drawn as a triangle on the edge it lies beyond, and a note in the plot
// says how many and at what value.
std::string plot_front_svg(const common::MeasuredFile& measured, const common::LibraryFile& front, const common::LibraryFile& chosen,
                           const std::string& title);

}  // namespace ofa::search
