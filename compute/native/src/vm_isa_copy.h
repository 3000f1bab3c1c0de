// One instruction-set copy of the block evaluator and its yardsticks. Each
// target's translation unit, vm_<target>.cc, is compiled with that target's
// flags (binding.gyp: its own static library per target; -mavx2, /arch:AVX2,
// …), defines VLAB_ISA (the namespace of its copy) and VLAB_XSIMD_ARCH (the
// xsimd architecture of its vectors; none for the scalar copy), includes
// vm_common.h, then this file. isa.cc picks a copy at load from the CPU's
// features.
//
// Each run is cut into blocks of kBlock elements; every register holds one
// block, so temporaries stay in cache, and each instruction is one tight loop
// over a block that the compiler vectorizes. Nothing here allocates: all
// memory is the caller's. The parts are headers, not .cc files, because each
// must be compiled inside every copy (with its target's flags, in its
// namespace) and inlined across parts: the kernels into a pass, a pass into
// the walks over a range. In the order each needs the ones before:
// The order is the point: clang-format must not sort it.
// clang-format off
#include "vm_vector_math.h"    // the portable vector math (xsimd) for this target
#include "vm_fold.h"           // a block folded into its extreme (fused max and min, and their yardstick)
#include "vm_block_kernels.h"  // each opcode's kernel over a block, from opcodes.h
#include "vm_block_pass.h"     // registers, reads, one pass of the program over a block
#include "vm_progress.h"       // progress and cancellation between blocks
#include "vm_reduce.h"         // a fused map-reduce's accumulator, fed block by block
#include "vm_rows.h"           // row mode and the row cache
#include "vm_eval_range.h"     // evalRange: row mode, else flat mode
#include "machine_probes.h"     // the machine view's read, write and FMA loops
#include "vm_yardsticks.h"     // the physical floor and the hand-written lesson loop
// clang-format on
