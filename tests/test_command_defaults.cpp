// Each flag's default is stated once, in the command's options struct, and --help shows that one
// (issue #28: `ofa-runtime run` said "--ort-provider (default: the library's)" while its options
// said "cpu", so the library's provider was never used).
#include <set>

#include "catch.hpp"

#include "ofa/cli/arg_parser.hpp"
#include "ofa/common/error.hpp"
#include "tool_tables.hpp"

using namespace ofa::cli;

TEST_CASE("every command read from an empty command line holds the defaults its --help states", "[cli][defaults]") {
  int checked = 0;
  for (const Tool* tool : ofa::test::built_tools())
    for (const Command& command : tool->commands) {
      const CommandSpec& c = command.spec;
      const ParseResult parsed = parse_command_line(*tool, ofa::test::required_args(c));
      const auto fields = command.read_fields(parsed.args);
      for (const CommandOption& o : c.options) {
        INFO(c.tool << " " << c.name << " " << o.name);
        if (o.need == Need::Required) continue;
        const auto field = fields.find(o.name);
        if (field == fields.end()) {  // read by the driver itself
          CHECK(o.name == "--quiet");
          continue;
        }
        const OptionSpec& spec = *find_option(o.name);
        if (!o.default_text.empty()) {
          // A default in words ("the profile's", "the library's") is resolved by the command: the
          // field must stay unset, or the words and the field disagree (the ORT provider defect).
          INFO("the field holds '" << field->second << "'");
          CHECK(field->second.empty());
          // And the words are not a value the flag takes, which belongs in the options struct.
          if (spec.check.kind != Check::Kind::Flag && spec.check.kind != Check::Kind::Text) CHECK_THROWS_AS(check_value(spec, std::string(o.default_text)), ofa::common::Error);
          ++checked;
          continue;
        }
        // Nothing given, nothing changed: the field is the default --help shows.
        CHECK(field->second == o.shown_default);
        // A default is a value the flag itself would take, on this command.
        if (!o.shown_default.empty() && spec.check.kind != Check::Kind::Flag) {
          CHECK_NOTHROW(check_value(spec, o.shown_default));
          if (!o.choices.empty()) CHECK(std::set<std::string_view>(o.choices.begin(), o.choices.end()).count(o.shown_default) == 1);
        }
        ++checked;
      }
    }
  CHECK(checked > 20);
}

TEST_CASE("a flag given is the field read: every bound flag fills a field", "[cli][defaults]") {
  // Each optional value flag given a valid value other than its default must change what the
  // command reads (a flag bound to nothing, or to the wrong field of a shared name, does not).
  for (const Tool* tool : ofa::test::built_tools())
    for (const Command& command : tool->commands) {
      const CommandSpec& c = command.spec;
      for (const CommandOption& o : c.options) {
        const OptionSpec& spec = *find_option(o.name);
        if (o.need == Need::Required || o.name == "--quiet" || o.name == c.positional) continue;
        std::string value;
        switch (spec.check.kind) {
          case Check::Kind::Flag: break;
          case Check::Kind::Integer: {
            const auto low = static_cast<long long>(spec.check.min);
            value = std::to_string(std::to_string(low) == o.shown_default ? low + 1 : low);
            break;
          }
          case Check::Kind::Seed: value = "7"; break;
          case Check::Kind::Real: {
            const double v = spec.check.max < 1e300 ? spec.check.min + (spec.check.max - spec.check.min) / 3 : spec.check.min + 1.5;
            value = shown(v);
            break;
          }
          case Check::Kind::Choice: {
            const auto& choices = o.choices.empty() ? spec.check.choices : o.choices;
            for (std::string_view v : choices)
              if (v != o.shown_default) value = std::string(v);
            break;
          }
          case Check::Kind::Text:
            value = o.name == "--resolutions" ? "160,192" : o.name == "--constraints" ? "20,30" : o.name == "--shard" ? "1/3" : "given.txt";
            break;
        }
        if (spec.check.kind != Check::Kind::Flag && value.empty()) continue;  // a choice of one
        std::vector<std::string> args = ofa::test::required_args(c);
        args.emplace_back(o.name);
        if (spec.check.kind != Check::Kind::Flag) args.push_back(value);
        INFO(c.tool << " " << c.name << " " << o.name << " " << value);
        const auto fields = command.read_fields(parse_command_line(*tool, args).args);
        REQUIRE(fields.count(std::string(o.name)) == 1);
        CHECK(fields.at(std::string(o.name)) != o.shown_default);
      }
    }
}
