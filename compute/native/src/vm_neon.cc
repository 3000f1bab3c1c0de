// The evaluator for NEON, the arm64 baseline every arm64 CPU has (2-lane
// double, 4-lane float). Built with the addon's own flags and linked first,
// so its copies of shared inline code are the ones the linker keeps.
#include "vm_common.h"

#if VLAB_ARM64
#define VLAB_ISA neon
#define VLAB_XSIMD_ARCH xsimd::neon64
#define VLAB_ISA_BASELINE 1
#include "vm_isa_copy.h"
#endif
