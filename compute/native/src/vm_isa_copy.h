// One instruction-set copy of the block evaluator and its yardsticks,
// compiled three times: vm_generic.cc (the baseline every x86-64 CPU has),
// vm_avx2.cc and vm_avx512.cc, chosen at load from the CPU's features
// (isa.cc). Each defines VLAB_ISA (the namespace of its copy) and
// VLAB_ISA_LEVEL (0: portable scalar math, 1: SSE2 libmvec, 2: AVX2 libmvec,
// 3: AVX-512 libmvec), includes vm_common.h before its target pragma, then
// this file.
//
// Each run is cut into blocks of kBlock elements; every register holds one
// block, so temporaries stay in cache, and each instruction is one tight loop
// over a block that the compiler vectorizes. Nothing here allocates: all
// memory is the caller's. The parts are headers, not .cc files, because each
// must be compiled inside every copy (after its target pragma, in its
// namespace) and inlined across parts: the kernels into a pass, a pass into
// the walks over a range. In the order each needs the ones before:
#include "vm_vector_math.h"    // glibc's vector math for this ISA
#include "vm_block_kernels.h"  // each opcode's kernel over a block, from opcodes.h
#include "vm_block_pass.h"     // registers, reads, one pass of the program over a block
#include "vm_progress.h"       // progress and cancellation between blocks
#include "vm_reduce.h"         // a fused map-reduce's accumulator, fed block by block
#include "vm_rows.h"           // row mode and the row cache
#include "vm_eval_range.h"     // evalRange: row mode, else flat mode
#include "vm_yardsticks.h"     // the physical floor and the hand-written lesson loop
