// The addon's arguments, read and checked at the boundary: typed arrays,
// thread and part counts, the program handle compile() returns, and a run's
// launch with every check the VM relies on. A bad argument is a TypeError or
// RangeError that says what was expected, with the numbers; nothing past
// these functions sees an unchecked JavaScript value.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>

#include "program.h"
#include "vm_common.h"

namespace vlab {

[[noreturn]] void fail(Napi::Env env, const std::string& what);

/** A Float32Array's or Float64Array's memory, as the VM reads it. */
struct ArrayView {
  void* data;
  int64_t length;
  DType dtype;
};

/** `value` as a float array; `what` names the argument in the error. */
ArrayView floatArray(Napi::Env env, Napi::Value value, const char* what);

/** Threads to use: the pool's size when undefined, at most the pool's size otherwise. */
int workerCount(Napi::Env env, Napi::Value value);

/** The parts a run is cut into: the caller's (pmap: one per device) or enough to balance the threads. */
int partsFrom(Napi::Env env, Napi::Value value, int64_t size, int workers);

/** The evaluator copy a run asked for (a target name, see isa.cc), or the process's choice when undefined. */
const Kernels& kernelsArg(Napi::Env env, Napi::Value value);

/** A validated program as the handle compile() returns (an External with this addon's type tag). */
Napi::Value programHandle(Napi::Env env, std::shared_ptr<const Program> program);

/** The program behind a handle from programHandle(); anything else is a TypeError. */
std::shared_ptr<const Program> programArg(Napi::Env env, Napi::Value value);

/**
 * A run's launch from (program, out, inputs, geometry), with every check the VM relies on. With `reduce`
 * (a Float64Array [kind, length, segments, parts]: a fused map-reduce, Launch::reduceKind), out is the
 * Float64Array of partials, two per slot.
 */
std::unique_ptr<Launch> buildLaunch(Napi::Env env, const std::shared_ptr<const Program>& program, Napi::Value outValue,
                                    Napi::Value inputsValue, Napi::Value geometryValue,
                                    Napi::Value reduce = Napi::Value());

}  // namespace vlab
