// What every copy of the block evaluator shares: system headers, the scalar
// meaning of each opcode (vm_scalar.h), and the entry points each
// instruction-set copy defines. Each copy is its own translation unit built
// with its target's flags (binding.gyp), so whatever a copy instantiates from
// here is also instantiated by the baseline copy (vm_sse2.cc / vm_neon.cc),
// which is linked first and whose definitions the linker keeps.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define VLAB_X86 1
#else
#define VLAB_X86 0
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
#define VLAB_ARM64 1
#else
#define VLAB_ARM64 0
#endif

#include "program.h"
#include "vm_scalar.h"

#if defined(_MSC_VER)
#define VLAB_NOINLINE __declspec(noinline)
#else
#define VLAB_NOINLINE __attribute__((noinline))
#endif

namespace vlab {

/** Per-thread offsets of the current row, one per read (isa.cc: out of line, so no copy's flags reach it). */
std::vector<int64_t>& threadBases(size_t reads);

/** The entry points of one instruction-set copy of the evaluator. */
struct Kernels {
  /** The target's name: avx512, avx2, sse4, sse2, neon or scalar. */
  const char* isa;
  /** SIMD lanes of a float32 and a float64 vector on this target (1 and 1 for scalar). */
  int lanesFloat32, lanesFloat64;
  /** The vector math of the hand-written lesson loop ('libmvec cos', "the evaluator's cos", 'scalar cos'). */
  const char* lessonCos;
  /** Evaluates output elements [begin, end); false when cancelled part-way. */
  bool (*evalRange)(const Launch&, int64_t begin, int64_t end, void* scratch);
  /** Writes non-zero, varying values to elements [begin, end) with streaming (non-temporal) stores. */
  void (*streamFill)(void* out, DType, int64_t begin, int64_t end);
  /** The hand-written lesson loop over rows [r0, r1) of a grid whose rows hold n points (ny). */
  void (*lessonRows)(void* out, const void* x, const void* y, DType, int64_t n, int64_t r0, int64_t r1);
  /** The hand-written fused max of the lesson's f over rows [r0, r1) (the fused map-reduce's yardstick). */
  double (*lessonMax)(const void* x, const void* y, DType, int64_t n, int64_t r0, int64_t r1);
  /** The machine view's probes (machine_probes.h): read (kind 0), stores (1) or streaming stores (2) of n elements,
   * passes times. */
  double (*probeMemory)(void* data, DType, int64_t n, int kind, int passes);
  /** The FMA loop, iterations times; returns its flops and adds its result to *sink. */
  double (*probeFma)(DType, int64_t iterations, double* sink);
};

// The entry points each copy (vm_<target>.cc) defines in its namespace; its
// Kernels entry is in isa.cc's table.
#define VLAB_DECLARE_ISA(ns)                                                          \
  namespace ns {                                                                      \
  extern const int kLanesFloat32, kLanesFloat64;                                      \
  extern const char* const kLessonCos;                                                \
  bool evalRange(const Launch&, int64_t, int64_t, void*);                             \
  void streamFill(void*, DType, int64_t, int64_t);                                    \
  void lessonRows(void*, const void*, const void*, DType, int64_t, int64_t, int64_t); \
  double lessonMax(const void*, const void*, DType, int64_t, int64_t, int64_t);       \
  double probeMemory(void*, DType, int64_t, int, int);                                \
  double probeFma(DType, int64_t, double*);                                           \
  }
VLAB_DECLARE_ISA(scalar_copy)
#if VLAB_X86
VLAB_DECLARE_ISA(sse2)
VLAB_DECLARE_ISA(sse4)
VLAB_DECLARE_ISA(avx2)
VLAB_DECLARE_ISA(avx512)
#elif VLAB_ARM64
VLAB_DECLARE_ISA(neon)
#endif
#undef VLAB_DECLARE_ISA

/** The copy this process runs: VLAB_NATIVE_ISA's, else the widest this CPU can run. */
const Kernels& kernels();

/** Every copy this CPU can run, widest first, scalar last. */
const std::vector<Kernels>& runnableKernels();

/** The copy named `isa`, or null with `problem` saying why (unknown name, or one this CPU cannot run). */
const Kernels* kernelsNamed(const std::string& isa, std::string* problem);

/** Why VLAB_NATIVE_ISA cannot be honoured (empty when unset or valid): the addon refuses to load with it. */
std::string forcedIsaProblem();

}  // namespace vlab
