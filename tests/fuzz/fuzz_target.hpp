// The readers as the fuzzers (and test_core's replay of their seeds) drive them.
#pragma once
// The readers the fuzzers drive, one entry point per input format. Shared by the libFuzzer
// binaries (scripts/fuzz) and by test_core, which replays every input a fuzzer ever broke
// (tests/fuzz/regressions/<target>/) in every build.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ofa::fuzz {

enum class Target { Profile, Arch, Lut, Candidates, Measured, Library, TorchFile, Image, Pickle };

std::optional<Target> parse_target(std::string_view name);
const std::vector<std::string>& target_names();

// Feeds `bytes` to the reader of `target`. Returns normally when the reader accepts the
// input or rejects it with common::Error (the one-line error a tool prints); anything else
// (another exception, a crash, a sanitizer report) is a bug the fuzzer reports.
void run_one(Target target, std::string_view bytes);

}  // namespace ofa::fuzz
