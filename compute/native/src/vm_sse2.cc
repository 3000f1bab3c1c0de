// The evaluator for SSE2, the x86-64 baseline (2-lane double, 4-lane float):
// what a CPU the dispatcher does not know runs. Built with the addon's own
// flags and linked first, so its copies of shared inline code are the ones
// the linker keeps (vm_common.h).
#include "vm_common.h"

#if VLAB_X86
#define VLAB_ISA sse2
#define VLAB_XSIMD_ARCH xsimd::sse2
#define VLAB_ISA_BASELINE 1
#include "vm_isa_copy.h"
#endif
