// Which copy of the block evaluator runs: the widest target this CPU (and its
// OS) can run, from cpuid and xgetbv on x86-64; NEON on arm64, which every
// arm64 CPU has. A CPU the dispatcher does not know gets the baseline (SSE2
// on x86-64, NEON on arm64). The scalar copy is never chosen by itself:
// VLAB_NATIVE_ISA=scalar, or a run's `isa` option, asks for it. Kept apart
// from the Node-API code so that one choice is read by everything that
// evaluates (the addon's runs and the hand-written yardstick alike).

#include <cstdlib>
#include <string>
#include <vector>

#include "vm_common.h"

#if VLAB_X86 && defined(_MSC_VER)
#include <intrin.h>
#elif VLAB_X86
#include <cpuid.h>
#endif

namespace vlab {

std::vector<int64_t>& threadBases(size_t reads) {
  static thread_local std::vector<int64_t> bases;
  if (bases.size() < reads) bases.resize(reads);
  return bases;
}

namespace {

#if VLAB_X86
struct CpuId {
  unsigned eax, ebx, ecx, edx;
};

CpuId cpuid(unsigned leaf, unsigned sub) {
  CpuId r{0, 0, 0, 0};
#if defined(_MSC_VER)
  int regs[4];
  __cpuidex(regs, int(leaf), int(sub));
  r = {unsigned(regs[0]), unsigned(regs[1]), unsigned(regs[2]), unsigned(regs[3])};
#else
  if (!__get_cpuid_count(leaf, sub, &r.eax, &r.ebx, &r.ecx, &r.edx)) r = {0, 0, 0, 0};
#endif
  return r;
}

/** The register state the OS saves on a context switch (XCR0); 0 where XGETBV is not enabled. */
uint64_t osSavedState(bool osxsave) {
  if (!osxsave) return 0;
#if defined(_MSC_VER)
  return _xgetbv(0);
#else
  unsigned lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
#endif
}

bool bit(unsigned word, int n) { return (word >> n) & 1u; }
#endif

/** The table of every copy this CPU can run, widest first, scalar last. */
std::vector<Kernels> detect() {
  std::vector<Kernels> list;
#define VLAB_KERNELS(ns)                                                                                      \
  Kernels {                                                                                                   \
#ns, ns::kLanesFloat32, ns::kLanesFloat64, ns::kLessonCos, ns::evalRange, ns::streamFill, ns::lessonRows, \
        ns::lessonMax, ns::probeMemory, ns::probeFma                                                          \
  }
#if VLAB_X86
  const CpuId basic = cpuid(1, 0);
  const unsigned maxLeaf = cpuid(0, 0).eax;
  const CpuId ext = maxLeaf >= 7 ? cpuid(7, 0) : CpuId{0, 0, 0, 0};
  const uint64_t xcr0 = osSavedState(bit(basic.ecx, 27));
  const bool osAvx = (xcr0 & 0x6) == 0x6;       // SSE and AVX state
  const bool osAvx512 = (xcr0 & 0xe6) == 0xe6;  // and opmask, ZMM0-15 upper halves, ZMM16-31
  const bool sse4 = bit(basic.ecx, 0) && bit(basic.ecx, 9) && bit(basic.ecx, 19) && bit(basic.ecx, 20);
  const bool avx2 = sse4 && osAvx && bit(basic.ecx, 28) && bit(basic.ecx, 12) && bit(ext.ebx, 5);
  const bool avx512 = avx2 && osAvx512 && bit(ext.ebx, 16) && bit(ext.ebx, 17) && bit(ext.ebx, 30) && bit(ext.ebx, 31);
  if (avx512) list.push_back(VLAB_KERNELS(avx512));
  if (avx2) list.push_back(VLAB_KERNELS(avx2));
  if (sse4) list.push_back(VLAB_KERNELS(sse4));
  list.push_back(VLAB_KERNELS(sse2));
#elif VLAB_ARM64
  list.push_back(VLAB_KERNELS(neon));
#endif
  Kernels one = VLAB_KERNELS(scalar_copy);
  one.isa = "scalar";
  list.push_back(one);
#undef VLAB_KERNELS
  return list;
}

/** Every target this build knows, whether or not this CPU runs it. */
const char* const kKnownTargets[] = {"avx512", "avx2", "sse4", "sse2", "neon", "scalar"};

std::string runnableNames() {
  std::string names;
  for (const Kernels& k : runnableKernels()) names += (names.empty() ? "" : ", ") + std::string(k.isa);
  return names;
}

}  // namespace

const std::vector<Kernels>& runnableKernels() {
  static const std::vector<Kernels> list = detect();
  return list;
}

const Kernels* kernelsNamed(const std::string& isa, std::string* problem) {
  for (const Kernels& k : runnableKernels())
    if (isa == k.isa) return &k;
  bool known = false;
  for (const char* name : kKnownTargets) known = known || isa == name;
  *problem = (known ? "this CPU cannot run the " + isa + " target" : "unknown target '" + isa + "'") + "; it runs " +
             runnableNames();
  return nullptr;
}

std::string forcedIsaProblem() {
  const char* forced = std::getenv("VLAB_NATIVE_ISA");
  if (!forced || !*forced) return "";
  std::string problem;
  return kernelsNamed(forced, &problem) ? "" : "VLAB_NATIVE_ISA=" + std::string(forced) + ": " + problem;
}

const Kernels& kernels() {
  static const Kernels& chosen = [] {
    const char* forced = std::getenv("VLAB_NATIVE_ISA");
    std::string problem;
    const Kernels* named = forced && *forced ? kernelsNamed(forced, &problem) : nullptr;
    return named ? *named : runnableKernels().front();  // the addon refuses to load over a bad VLAB_NATIVE_ISA
  }();
  return chosen;
}

}  // namespace vlab
