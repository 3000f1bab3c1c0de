// The evaluator for AVX-512 F/DQ/VL/BW (8-lane double, 16-lane float). Built
// with -mavx512f -mavx512dq -mavx512vl -mavx512bw, /arch:AVX512 on MSVC
// (binding.gyp's avx512 library).
#include "vm_common.h"

#if VLAB_X86
#define VLAB_ISA avx512
#define VLAB_XSIMD_ARCH xsimd::avx512bw
#include "vm_isa_copy.h"
#endif
