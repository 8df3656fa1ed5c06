// The Reporter every command is handed: progress and notes out, the host's stop request in.
#include "catch.hpp"

#include <atomic>
#include <string>
#include <vector>

#include "ofa/common/error.hpp"
#include "ofa/common/reporter.hpp"

using ofa::common::CancelFlag;
using ofa::common::Error;
using ofa::common::Reporter;

TEST_CASE("a cancel flag is set only by its host, and check throws 'interrupted' once it is", "[reporter]") {
  CHECK_FALSE(CancelFlag().requested());
  CHECK_NOTHROW(CancelFlag().check());
  std::atomic<bool> stop{false};
  const CancelFlag flag(stop);
  CHECK_FALSE(flag.requested());
  CHECK_NOTHROW(flag.check());
  stop = true;  // as the SIGINT handler does
  CHECK(flag.requested());
  CHECK_THROWS_AS(flag.check(), Error);
  CHECK_THROWS_WITH(flag.check(), "interrupted");
  // A reporter carries it; a default one never stops anything.
  CHECK_FALSE(Reporter().cancel().requested());
  CHECK(Reporter().with_cancel(flag).cancel().requested());
}

TEST_CASE("a part of a reporter maps its fractions into its range and keeps notes and the cancel flag", "[reporter]") {
  std::vector<std::pair<std::string, double>> seen;
  std::vector<std::string> notes;
  std::atomic<bool> stop{true};
  const Reporter whole([&](std::string_view task, double f, std::string_view) { seen.emplace_back(task, f); },
                       [&](std::string_view line, bool) { notes.emplace_back(line); }, CancelFlag(stop));
  const Reporter second = whole.part(0.5, 0.75);
  second.progress("search", 0.0);
  second.progress("search", 0.5);
  second.done("search");
  second.note("a note");
  REQUIRE(seen.size() == 3);
  CHECK(seen[0] == std::pair<std::string, double>{"search", 0.5});
  CHECK(seen[1] == std::pair<std::string, double>{"search", 0.625});
  CHECK(seen[2] == std::pair<std::string, double>{"search", 0.75});  // a part's end is not the task's
  CHECK(notes == std::vector<std::string>{"a note"});
  CHECK(second.cancel().requested());
  // A silent reporter's part stays silent.
  CHECK_NOTHROW(Reporter().part(0, 0.5).progress("x", 1));
}
