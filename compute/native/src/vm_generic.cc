// The evaluator for the baseline instruction set (SSE2 on x86-64, where
// glibc's libmvec gives 2-lane double and 4-lane float math; portable scalar
// math elsewhere).
#include "vm_common.h"

#if VLAB_X86 && defined(__GLIBC__)
#define VLAB_ISA_LEVEL 1
#else
#define VLAB_ISA_LEVEL 0
#endif
#define VLAB_ISA generic
#include "vm_isa_copy.h"
