// Naming the machine a figure was measured on, from /proc/cpuinfo: x86 and aarch64.
#include "catch.hpp"

#include "ofa/common/machine_description.hpp"

using ofa::common::cpu_model_name;
using ofa::common::parse_cpuinfo;

// In the form of a Jetson Xavier NX's /proc/cpuinfo under L4T (Carmel cores: implementer 0x4e, part
// 0x004), cut to two processors; the second must not count.
constexpr const char* kXavierNx =
    "processor\t: 0\nmodel name\t: ARMv8 Processor rev 0 (v8l)\nBogoMIPS\t: 62.50\n"
    "Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm dcpop\n"
    "CPU implementer\t: 0x4e\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0x004\nCPU revision\t: 0\n\n"
    "processor\t: 1\nmodel name\t: other\nCPU implementer\t: 0x41\nCPU part\t: 0xd42\n";

TEST_CASE("the CPU is named on x86 and on aarch64, whose cpuinfo names no core", "[machine]") {
  const auto nx = parse_cpuinfo(kXavierNx);
  CHECK(nx.at("CPU part") == "0x004");
  CHECK(nx.at("Features").rfind("fp asimd", 0) == 0);
  CHECK(nx.at("CPU architecture") == "8");
  CHECK(cpu_model_name(nx) == "NVIDIA Carmel");  // the first processor's block only
  CHECK(cpu_model_name(parse_cpuinfo("processor\t: 0\nCPU implementer\t: 0x41\nCPU part\t: 0xd42\n")) == "Arm Cortex-A78AE");
  CHECK(cpu_model_name(parse_cpuinfo("CPU implementer\t: 0x51\nCPU part\t: 0x802\n")) == "CPU implementer 0x51 part 0x802");
  CHECK(cpu_model_name(parse_cpuinfo("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9B45\nflags\t\t: fpu\n")) ==
        "AMD EPYC 9B45");
  CHECK(cpu_model_name(parse_cpuinfo("")) == "unknown CPU");
  CHECK(parse_cpuinfo("no colon here\nkey:\n").at("key").empty());
}
