// The evaluator for AVX2 with FMA (4-lane double, 8-lane float). Built with
// -mavx2 -mfma, /arch:AVX2 on MSVC (binding.gyp's avx2 library).
#include "vm_common.h"

#if VLAB_X86
#define VLAB_ISA avx2
#define VLAB_XSIMD_ARCH xsimd::fma3<xsimd::avx2>
#include "vm_isa_copy.h"
#endif
