// Which copy of the block evaluator this process runs: AVX-512, else AVX2,
// else the baseline, chosen once from the CPU's features. Kept apart from the
// Node-API code so that the choice is read by everything that evaluates
// (the addon's runs and the hand-written yardstick alike) from one place.

#include <cstdlib>
#include <string>

#include "vm_common.h"

namespace vlab {

/**
 * VLAB_NATIVE_ISA=avx512|avx2|generic forces one, where the CPU can run it
 * (else the best it can run); isa() reports the one chosen.
 */
const Kernels& kernels() {
  static const Kernels chosen = [] {
    const Kernels generic{"generic", generic::evalRange, generic::streamFill, generic::lessonRows, generic::lessonMax};
    const char* forcedEnv = std::getenv("VLAB_NATIVE_ISA");
    const std::string forced = forcedEnv ? forcedEnv : "";
#if VLAB_X86 && defined(__GNUC__)
    __builtin_cpu_init();
    const bool hasAvx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const bool hasAvx512 = hasAvx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
    const Kernels avx2{"avx2", avx2::evalRange, avx2::streamFill, avx2::lessonRows, avx2::lessonMax};
    const Kernels avx512{"avx512", avx512::evalRange, avx512::streamFill, avx512::lessonRows, avx512::lessonMax};
    if (forced == "generic") return generic;
    if (forced == "avx2") return hasAvx2 ? avx2 : generic;
    if (hasAvx512) return avx512;
    if (hasAvx2) return avx2;
#endif
    return generic;
  }();
  return chosen;
}

}  // namespace vlab
