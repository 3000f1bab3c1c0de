// The evaluator for CPUs with AVX2 (4-lane double, 8-lane float), compiled
// from the same source as vm_generic.cc. The target pragma comes after every
// system header (vm_common.h), so only this file's own functions use AVX2.
#include "vm_common.h"

#if VLAB_X86 && defined(__GNUC__)
#pragma GCC target("avx2,fma")
#if defined(__GLIBC__)
#define VLAB_ISA_LEVEL 2
#else
#define VLAB_ISA_LEVEL 0
#endif
#define VLAB_ISA avx2
#include "vm_isa_copy.h"
#endif
