// A child process run with a time limit: its output, its exit, its signal, its hang.
#include "catch.hpp"

#include "ofa/common/child_process.hpp"
#include "ofa/common/error.hpp"
#include "test_support.hpp"

#include <csignal>


using ofa::common::ChildResult;
using ofa::common::run_child;

TEST_CASE("a child's output and exit status come back", "[child]") {
  const ChildResult r = run_child({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, 60);
  CHECK(r.started);
  CHECK(r.exit_code == 3);
  CHECK(r.signal == 0);
  CHECK_FALSE(r.timed_out);
  CHECK(r.out == "out\n");
  CHECK(r.err == "err\n");
  CHECK_FALSE(r.ok());
  CHECK(r.how_it_ended(60) == "exited with 3");
  CHECK(run_child({"/bin/sh", "-c", "exit 0"}, 60).ok());
}

TEST_CASE("a child that dies of a signal is named by it, and the parent lives on", "[child]") {
  const ChildResult r = run_child({"/bin/sh", "-c", "echo before; kill -FPE $$"}, 60);
  CHECK(r.started);
  CHECK(r.signal == SIGFPE);
  CHECK(r.out == "before\n");
  CHECK(r.how_it_ended(60).find("died of SIGFPE") == 0);
  CHECK(ofa::common::signal_name(SIGSEGV) == "SIGSEGV");
}

TEST_CASE("a child that hangs is killed at its limit", "[child]") {
  // It keeps its output open (the pipe never closes): the limit, not the end of file, ends it.
  const ChildResult r = run_child({"/bin/sh", "-c", "echo started; exec sleep 600"}, 3);
  CHECK(r.started);
  CHECK(r.timed_out);
  CHECK(r.signal == SIGKILL);
  CHECK(r.out == "started\n");
  CHECK(r.how_it_ended(3) == "ran past the 3 s limit");
}

TEST_CASE("a child that closes its output and runs on is still waited for within the limit", "[child]") {
  const ChildResult r = run_child({"/bin/sh", "-c", "exec >&- 2>&-; sleep 600"}, 0.5);
  CHECK(r.timed_out);
}

TEST_CASE("a child gets default signal handling in a group of its own: Ctrl-C meant for the parent does not reach it", "[child]") {
  // SIGINT ignored here is not inherited (posix_spawn resets it), and the child is its own group.
  const auto previous = std::signal(SIGINT, SIG_IGN);
  const ChildResult r = run_child({"/bin/sh", "-c", "set -- $(cat /proc/$$/stat); test \"$5\" = \"$$\" && kill -INT $$; echo survived"}, 30);
  std::signal(SIGINT, previous);
  CHECK(r.signal == SIGINT);
  CHECK(r.out.empty());
}

TEST_CASE("a program that cannot be run is said, not thrown", "[child]") {
  const ChildResult r = run_child({"/nonexistent/ofa-engine-check", "x"}, 5);
  CHECK_FALSE(r.started);
  CHECK(r.how_it_ended(5).find("/nonexistent/ofa-engine-check") != std::string::npos);
  CHECK_THROWS_AS(run_child({}, 5), ofa::common::Error);
}
