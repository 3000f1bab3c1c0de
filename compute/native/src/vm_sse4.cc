// The evaluator for SSE4.2 (2-lane double, 4-lane float; rounding and blends
// in one instruction). Built with -msse4.2 (binding.gyp's sse4 library).
#include "vm_common.h"

#if VLAB_X86
#define VLAB_ISA sse4
#define VLAB_XSIMD_ARCH xsimd::sse4_2
#include "vm_isa_copy.h"
#endif
