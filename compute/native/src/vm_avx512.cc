// The evaluator for CPUs with AVX-512 (8-lane double, 16-lane float, glibc's
// _ZGVeN8v_* / _ZGVeN16v_* vector math), compiled from the same source as
// vm_generic.cc and vm_avx2.cc. The target pragma comes after every system
// header (vm_common.h), so only this file's own functions use AVX-512.
#include "vm_common.h"

#if VLAB_X86 && defined(__GNUC__)
#pragma GCC target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma,prefer-vector-width=512")
#if defined(__GLIBC__)
#define VLAB_ISA_LEVEL 3
#else
#define VLAB_ISA_LEVEL 0
#endif
#define VLAB_ISA avx512
#include "vm_isa_copy.h"
#endif
