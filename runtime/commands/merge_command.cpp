#include "runtime/commands/merge_command.hpp"

#include <map>
#include <set>

#include "ofa/common/accuracy_part_file.hpp"
#include "ofa/common/error.hpp"
#include "ofa/common/files.hpp"
#include "ofa/common/measured_file.hpp"
#include "ofa/common/named_inputs.hpp"
#include "ofa/common/output_set.hpp"
#include "ofa/common/sha256.hpp"

namespace ofa::runtime {

using common::Error;
namespace fs = std::filesystem;

namespace {

struct ReadPart {
  fs::path file;
  common::AccuracyPart part;
};

// The first input two parts differ in, or "".
std::string first_difference(const common::AccuracyPartInputs& a, const common::AccuracyPartInputs& b) {
  if (a.measured_sha256 != b.measured_sha256) return "the measured file (" + b.measured + ")";
  if (a.weights_sha256 != b.weights_sha256) return "the weights";
  if (a.val_sha256 != b.val_sha256 || a.val_count != b.val_count) return "the evaluation images";
  if (a.calib_sha256 != b.calib_sha256) return "the calibration images";
  if (a.classes_sha256 != b.classes_sha256) return "the class list";
  if (a.batch != b.batch) return "--val-batch";
  if (a.engine != b.engine || a.device != b.device || a.ort_provider != b.ort_provider)
    return "the engine, device or provider (" + b.engine + " on " + b.device + ")";
  if (a.threads != b.threads || a.allow_tf32 != b.allow_tf32) return "--threads or --allow-tf32";
  if (a.candidates != b.candidates) return "the candidates selected";
  if (!(a.setup == b.setup)) return "the settings (" + common::format_accuracy_setup(b.setup) + ")";
  return a.same_job(b) ? "" : "the inputs";
}

// Every part read, one job's, each index once, each finished with exactly its cells.
std::vector<ReadPart> read_parts(const std::vector<fs::path>& files) {
  if (files.empty()) throw Error("merge: no parts given");
  std::vector<ReadPart> parts;
  for (const fs::path& f : files) {
    // Read before the aggregate is built: GCC 11 leaks its members already made when a later
    // initializer throws (docs/jetson.md).
    common::AccuracyPart part = common::read_accuracy_part(f);
    parts.push_back({f, std::move(part)});
  }
  const ReadPart& first = parts.front();
  const int n = first.part.shard.count;
  std::map<int, fs::path> seen;
  for (const ReadPart& p : parts) {
    const std::string where = p.file.string() + " (part " + std::to_string(p.part.shard.index) + "/" + std::to_string(p.part.shard.count) + ")";
    if (p.part.shard.count != n) throw Error(where + ": a part of " + std::to_string(p.part.shard.count) + ", " + first.file.string() + " of " + std::to_string(n));
    if (const std::string d = first_difference(first.part.inputs, p.part.inputs); !d.empty())
      throw Error(where + ": another job's part: " + d + " differs from " + first.file.string() + "'s");
    if (auto [it, fresh] = seen.emplace(p.part.shard.index, p.file); !fresh) throw Error(where + ": part given twice (also " + it->second.string() + ")");
    if (!p.part.complete) throw Error(where + ": unfinished (its task stopped before its last cell; rerun it with --resume)");
    const std::vector<common::AccuracyCell> expected =
        common::shard_cells(p.part.inputs.candidates, p.part.inputs.val_count, p.part.inputs.batch, p.part.shard);
    bool same = expected.size() == p.part.cells.size();
    for (std::size_t k = 0; same && k < expected.size(); ++k)
      same = expected[k].candidate == p.part.cells[k].candidate && expected[k].first == p.part.cells[k].first && expected[k].end == p.part.cells[k].end;
    if (!same) throw Error(where + ": its cells are not the ones part " + std::to_string(p.part.shard.index) + " of this job evaluates");
  }
  std::string missing;
  for (int i = 0, shown = 0; i < n; ++i)
    if (!seen.count(i) && shown++ < 10) missing += (missing.empty() ? "" : ", ") + std::to_string(i);
  if (!missing.empty())
    throw Error("merge: " + std::to_string(n - static_cast<int>(seen.size())) + " of " + std::to_string(n) + " parts missing (" + missing +
                (n - static_cast<int>(seen.size()) > 10 ? ", ..." : "") + ")");
  return parts;
}

struct Sum {
  std::int64_t images = 0, top1 = 0, top5 = 0;
  std::string bn_sha256;
  fs::path bn;            // one part's BN file (they are all the same)
  std::string bn_source;  // which part and machine it came from
};

// Counts per candidate; Error when two parts of a candidate computed different BN statistics.
std::map<int, Sum> sum_cells(const std::vector<ReadPart>& parts) {
  std::map<int, Sum> sums;
  for (const ReadPart& p : parts)
    for (const common::AccuracyCell& c : p.part.cells) {
      Sum& s = sums[c.candidate];
      const std::string source = p.file.string() + " (on " + p.part.machine + ")";
      if (!s.bn_source.empty() && s.bn_sha256 != c.bn_sha256)
        throw Error("merge: candidate " + std::to_string(c.candidate) + ": BN statistics differ between " + s.bn_source + " and " + source +
                    " (mixed CPUs round differently: calibrate each candidate in one part, or on one kind of node)");
      if (s.bn_source.empty()) {
        s.bn_sha256 = c.bn_sha256, s.bn_source = source;
        if (!c.bn.empty()) s.bn = p.file.parent_path() / c.bn;
      }
      s.images += c.images, s.top1 += c.top1, s.top5 += c.top5;
    }
  return sums;
}

}  // namespace

std::string run_merge(const MergeOptions& o) {
  const std::vector<ReadPart> parts = read_parts(o.parts);
  const common::AccuracyPartInputs& in = parts.front().part.inputs;
  std::error_code ec;
  if (!fs::exists(in.measured, ec)) throw Error("merge: the parts' measured file " + in.measured + " is not there");
  if (common::sha256_hex(common::read_file(in.measured)) != in.measured_sha256)
    throw Error("merge: " + in.measured + " changed since the parts were evaluated (its SHA-256 differs)");
  std::vector<common::NamedInput> inputs{{"the measured file", in.measured}};
  for (const ReadPart& p : parts) inputs.push_back({"a part", p.file});
  common::check_output_spares_inputs("--out", o.out, inputs);
  const std::map<int, Sum> sums = sum_cells(parts);
  common::MeasuredFile out = common::read_measured(in.measured);
  out.accuracy_setup = in.setup;
  common::OutputSet files;
  const std::string bn_folder = o.out.stem().string() + "_bn";
  const std::set<int> selected(in.candidates.begin(), in.candidates.end());
  for (common::MeasuredRow& row : out.rows) {
    // A sharded run evaluates fp32 rows only (accuracy refuses int8 rows there): an int8 twin
    // of a candidate keeps what it had.
    if (!selected.count(row.candidate.id) || row.precision.precision != common::kFp32) continue;
    const Sum& s = sums.at(row.candidate.id);
    if (s.images == 0) throw Error("merge: candidate " + std::to_string(row.candidate.id) + ": no readable image was evaluated");
    row.measured_accuracy = static_cast<double>(s.top1) / static_cast<double>(s.images);
    row.top5 = static_cast<double>(s.top5) / static_cast<double>(s.images);
    row.accuracy_images = s.images;
    row.bn.clear();
    if (s.bn.empty()) continue;
    const std::string bytes = common::read_file(s.bn);
    if (common::sha256_hex(bytes) != s.bn_sha256) throw Error("merge: " + s.bn.string() + ": not the BN file its part recorded (damaged or replaced)");
    row.bn = bn_folder + "/cand_" + std::to_string(row.candidate.id) + ".pt";
    files.add(o.out.parent_path() / row.bn, bytes);
  }
  files.add(o.out, common::format_measured_yaml(out));
  files.commit();
  return "merge: " + std::to_string(parts.size()) + " parts, " + std::to_string(selected.size()) + " candidates on " + std::to_string(in.val_count) +
         " images, written to " + o.out.string();
}

}  // namespace ofa::runtime
