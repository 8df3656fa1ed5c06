// The engines' names, as every flag and file spells them: the one list (runtime/engine maps
// each to its EngineKind), and the `engine` keys of measured files, libraries and tables.
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace ofa::common {

// Fastest kinds first, the reference (op by op) last.
inline constexpr std::array<std::string_view, 4> kEngineNames = {"optimized", "onnxruntime", "llga", "eager"};
// Not an engine: each network timed on every engine this build has, the fastest kept.
inline constexpr std::string_view kAutoEngine = "auto";

bool is_engine_name(std::string_view name);
// "optimized, onnxruntime, llga or eager" (with `with_auto`: "..., eager or auto").
std::string engine_name_list(bool with_auto = false);

// A measured or library file's `engine` key: an engine, or auto (each row or level then names
// its own); "eager" when absent (files written before the key).
std::string read_engine_key(const YAML::Node& root, const std::string& where);
// A row's or level's own `engine` key (files whose engine is auto): an engine, required there
// and refused elsewhere; "" when the file's engine is not auto.
std::string read_item_engine(const YAML::Node& item, const std::string& file_engine, const std::string& where);

}  // namespace ofa::common
