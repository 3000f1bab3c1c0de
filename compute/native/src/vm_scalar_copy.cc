// The one-lane evaluator: every kernel one element at a time, the C library's
// math, the compiler's vectorizers off (binding.gyp's scalar library). Never
// chosen automatically: it exists so that the machine view can show what SIMD
// lanes buy (VLAB_NATIVE_ISA=scalar, or a run's `isa` option).
#include "vm_common.h"

#define VLAB_ISA scalar_copy
#include "vm_isa_copy.h"
