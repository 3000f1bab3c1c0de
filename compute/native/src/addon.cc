// The Node-API face of the native backend: each exported function and the
// pool job it starts — compile (validate) bytecode, run it on the pool
// (asynchronously with a promise, progress and cancellation, or synchronously
// for tiny graphs), and the two measurements the benchmark reads against (the
// physical floor and a hand-written loop). Arguments are checked in args.cc,
// the promise machinery is async_job.cc, the ISA choice isa.cc, and what each
// job does on the pool pool_jobs.h.

#include <napi.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "args.h"
#include "async_job.h"
#include "partition.h"
#include "pool.h"
#include "pool_jobs.h"
#include "program.h"
#include "vm_common.h"

namespace vlab {
namespace {

// ---- exported functions ------------------------------------------------------------

Napi::Value Opcodes(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env);
  uint32_t i = 0;
  for (const OpcodeInfo& op : opcodeTable()) {
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("name", op.name);
    entry.Set("code", op.code);
    entry.Set("arity", op.arity);
    entry.Set("primitive", op.primitive);
    list.Set(i++, entry);
  }
  return list;
}

Napi::Value StartPool(const Napi::CallbackInfo& info) {
  int requested = 0;
  if (info.Length() > 0 && info[0].IsNumber()) requested = info[0].As<Napi::Number>().Int32Value();
  if (requested < 0 || requested > 1024) throw Napi::RangeError::New(info.Env(), "threads must be between 1 and 1024");
  return Napi::Number::New(info.Env(), Pool::instance(requested).size());
}

Napi::Value PoolSize(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), Pool::created() ? Pool::instance().size() : 0);
}

Napi::Value DefaultThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), defaultThreadCount());
}

Napi::Value Isa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), kernels().isa); }

Napi::Object TargetObject(Napi::Env env, const Kernels& k) {
  Napi::Object entry = Napi::Object::New(env);
  entry.Set("isa", k.isa);
  entry.Set("lanesFloat32", k.lanesFloat32);
  entry.Set("lanesFloat64", k.lanesFloat64);
  entry.Set("lessonCos", k.lessonCos);
  return entry;
}

// targets() -> [{ isa, lanesFloat32, lanesFloat64, lessonCos }]: every copy this CPU can run, widest first.
Napi::Value Targets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array list = Napi::Array::New(env);
  uint32_t i = 0;
  for (const Kernels& k : runnableKernels()) list.Set(i++, TargetObject(env, k));
  return list;
}

Napi::Value Compile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    fail(env, "compile(code: Int32Array, consts: Float64Array)");
  const ArrayView consts = floatArray(env, info[1], "consts");
  if (consts.dtype != DType::Float64) fail(env, "consts must be a Float64Array");
  Napi::Int32Array code = info[0].As<Napi::Int32Array>();
  auto program = std::make_shared<Program>();
  const std::string problem = parseProgram(code.Data(), code.ElementLength(), static_cast<const double*>(consts.data),
                                           size_t(consts.length), *program);
  if (!problem.empty()) throw Napi::Error::New(env, "invalid bytecode: " + problem);
  return programHandle(env, std::move(program));
}

/** The parts of a run: a map-reduce's are its own (each has its partial's slot), and never more than its elements. */
int reduceAwareParts(Napi::Env env, Napi::Value value, const Launch& launch, int workers) {
  if (launch.reduceKind == ReduceKind::None) return partsFrom(env, value, launch.size, workers);
  if (launch.reduceSegments > 1)
    return int(std::max<int64_t>(1, std::min<int64_t>(launch.reduceParts, launch.reduceSegments)));
  return int(launch.reduceParts);
}

// run(program, out, inputs, geometry, { workers?, parts?, onProgress?, reduce? }) -> { promise, cancel }
Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto program = programArg(env, info[0]);
  Napi::Object options = info[4].IsObject() ? info[4].As<Napi::Object>() : Napi::Object::New(env);
  const int workers = workerCount(env, options.Get("workers"));
  const Kernels& chosen = kernelsArg(env, options.Get("isa"));
  auto launch = buildLaunch(env, program, info[1], info[2], info[3], options.Get("reduce"));
  const int parts = reduceAwareParts(env, options.Get("parts"), *launch, workers);
  auto job = std::make_shared<VmJob>(chosen, program, std::move(launch), parts, workers);
  return startAsync(env, job, {info[1], info[2]}, options.Get("onProgress"));
}

// runSync(program, out, inputs, geometry, workers?, parts?, isa?, reduce?): small runs on the calling thread, larger
// ones on the pool. Positional numbers rather than an options object: the loops strategy calls this millions of times.
Napi::Value RunSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto program = programArg(env, info[0]);
  const int workers = workerCount(env, info[4]);
  const Kernels& chosen = kernelsArg(env, info[6]);
  auto launch = buildLaunch(env, program, info[1], info[2], info[3], info[7]);
  const int parts = reduceAwareParts(env, info[5], *launch, workers);
  if (launch->size <= 16 * kBlock || workers == 1 || parts == 1) {
    chosen.evalRange(*launch, 0, launch->size, threadScratch(scratchBytes(*launch)));
    return env.Undefined();
  }
  auto job = std::make_shared<VmJob>(chosen, program, std::move(launch), parts, workers);
  Pool::instance().submit(job);
  job->wait();
  return env.Undefined();
}

// measureFloor(out, workers, isa?) -> { promise of ms, cancel }: streaming stores of varying, non-zero values over all
// of out.
Napi::Value MeasureFloor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ArrayView out = floatArray(env, info[0], "out");
  const int workers = workerCount(env, info[1]);
  const Kernels& chosen = kernelsArg(env, info[2]);
  return startAsync(env, std::make_shared<FloorJob>(chosen, out, workers), {info[0]}, env.Undefined());
}

// lessonLoop(out, x, y, workers, isa?) -> { promise of ms, cancel }: the hand-written f over the nx × ny grid.
Napi::Value LessonLoop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ArrayView out = floatArray(env, info[0], "out");
  const ArrayView x = floatArray(env, info[1], "x");
  const ArrayView y = floatArray(env, info[2], "y");
  if (x.dtype != out.dtype || y.dtype != out.dtype) fail(env, "out, x and y must share a dtype");
  if (out.length < x.length * y.length) fail(env, "out must hold x.length × y.length elements");
  const int workers = workerCount(env, info[3]);
  const Kernels& chosen = kernelsArg(env, info[4]);
  auto job = std::make_shared<LessonJob>(chosen, out, x, y, workers);
  return startAsync(env, job, {info[0], info[1], info[2]}, env.Undefined());
}

// lessonMax(out: Float64Array(parts), x, y, workers, isa?) -> { promise of ms, cancel }: the hand-written fused max,
// per part.
Napi::Value LessonMax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ArrayView out = floatArray(env, info[0], "out");
  const ArrayView x = floatArray(env, info[1], "x");
  const ArrayView y = floatArray(env, info[2], "y");
  if (out.dtype != DType::Float64 || out.length < 1) fail(env, "out must be a Float64Array with one slot per part");
  if (x.dtype != y.dtype) fail(env, "x and y must share a dtype");
  const int workers = workerCount(env, info[3]);
  const Kernels& chosen = kernelsArg(env, info[4]);
  return startAsync(env, std::make_shared<LessonMaxJob>(chosen, out, x, y, workers), {info[0], info[1], info[2]},
                    env.Undefined());
}

// probeMemory(data, kind 0 read | 1 stores | 2 streaming, passes, workers, isa?) -> { promise of ms, cancel }
Napi::Value ProbeMemory(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ArrayView data = floatArray(env, info[0], "data");
  const int kind = info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : -1;
  const int passes = info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : 0;
  if (kind < 0 || kind > 2) fail(env, "kind must be 0 (read), 1 (stores) or 2 (streaming stores)");
  if (passes < 1 || passes > 1000000) fail(env, "passes must be between 1 and 1000000");
  const int workers = workerCount(env, info[3]);
  const Kernels& probes = kernelsArg(env, info[4]);
  return startAsync(env, std::make_shared<ProbeMemoryJob>(probes, data, kind, passes, workers), {info[0]},
                    env.Undefined());
}

// probeFma(dtype 'float32' | 'float64', iterations, workers, isa?) -> { promise of ms, cancel }
Napi::Value ProbeFma(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const std::string dtype = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  if (dtype != "float32" && dtype != "float64") fail(env, "dtype must be 'float32' or 'float64'");
  const double iterations = info[1].IsNumber() ? info[1].As<Napi::Number>().DoubleValue() : 0;
  if (!(iterations >= 1 && iterations <= 1e12)) fail(env, "iterations must be between 1 and 1e12");
  const int workers = workerCount(env, info[2]);
  const Kernels& probes = kernelsArg(env, info[3]);
  const DType type = dtype == "float64" ? DType::Float64 : DType::Float32;
  return startAsync(env, std::make_shared<ProbeFmaJob>(probes, type, int64_t(iterations), workers), {},
                    env.Undefined());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  const std::string badIsa = forcedIsaProblem();
  if (!badIsa.empty()) throw Napi::Error::New(env, badIsa);
  exports.Set("bytecodeVersion", Napi::Number::New(env, kBytecodeVersion));
  exports.Set("blockElements", Napi::Number::New(env, kBlock));
  exports.Set("opcodes", Napi::Function::New(env, Opcodes));
  exports.Set("startPool", Napi::Function::New(env, StartPool));
  exports.Set("poolSize", Napi::Function::New(env, PoolSize));
  exports.Set("defaultThreads", Napi::Function::New(env, DefaultThreads));
  exports.Set("isa", Napi::Function::New(env, Isa));
  exports.Set("targets", Napi::Function::New(env, Targets));
  exports.Set("compile", Napi::Function::New(env, Compile));
  exports.Set("run", Napi::Function::New(env, Run));
  exports.Set("runSync", Napi::Function::New(env, RunSync));
  exports.Set("measureFloor", Napi::Function::New(env, MeasureFloor));
  exports.Set("lessonLoop", Napi::Function::New(env, LessonLoop));
  exports.Set("lessonMax", Napi::Function::New(env, LessonMax));
  exports.Set("probeMemory", Napi::Function::New(env, ProbeMemory));
  exports.Set("probeFma", Napi::Function::New(env, ProbeFma));
  return exports;
}

}  // namespace
}  // namespace vlab

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return vlab::Init(env, exports); }

NODE_API_MODULE(vlab_native, InitModule)
