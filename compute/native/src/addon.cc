// The Node-API face of the native backend: compile (validate) bytecode,
// run it on the pool — asynchronously with a promise, progress and
// cancellation, or synchronously for tiny graphs — and the two measurements
// the benchmark reads against (the physical floor and a hand-written loop).
// JavaScript values are touched only on the JavaScript thread; workers see
// raw pointers kept alive by references that the completion releases.

#include <napi.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "pool.h"
#include "program.h"
#include "vm_common.h"

namespace vlab {

/**
 * The evaluator copy for this CPU: AVX-512, else AVX2, else the baseline.
 * VLAB_NATIVE_ISA=avx512|avx2|generic forces one, where the CPU can run it
 * (else the best it can run); isa() reports the one chosen.
 */
const Kernels& kernels() {
  static const Kernels chosen = [] {
    const Kernels generic{"generic", generic::evalRange, generic::streamFill, generic::lessonRows};
    const char* forcedEnv = std::getenv("VLAB_NATIVE_ISA");
    const std::string forced = forcedEnv ? forcedEnv : "";
#if VLAB_X86 && defined(__GNUC__)
    __builtin_cpu_init();
    const bool hasAvx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const bool hasAvx512 = hasAvx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
    const Kernels avx2{"avx2", avx2::evalRange, avx2::streamFill, avx2::lessonRows};
    const Kernels avx512{"avx512", avx512::evalRange, avx512::streamFill, avx512::lessonRows};
    if (forced == "generic") return generic;
    if (forced == "avx2") return hasAvx2 ? avx2 : generic;
    if (hasAvx512) return avx512;
    if (hasAvx2) return avx2;
#endif
    return generic;
  }();
  return chosen;
}

namespace {

const napi_type_tag kProgramTag = {0x766c61622d6e6174ULL, 0x6976652d70726f67ULL};

struct ProgramHolder {
  std::shared_ptr<const Program> program;
};

// ---- async completion ---------------------------------------------------------

class AsyncJob;

/** What lives on the JavaScript side of a job: only ever touched on the JS thread. */
struct JsSide {
  explicit JsSide(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise::Deferred deferred;
  Napi::ThreadSafeFunction tsfn;
  std::vector<Napi::Reference<Napi::Value>> keepAlive;
  Napi::FunctionReference onProgress;
  std::shared_ptr<AsyncJob> job;  // dropped at completion
};

struct Message {
  enum Kind { Progress, Done } kind;
  double value;
  bool cancelled;
  std::string error;
  JsSide* js;
};

/** Jobs still running per environment, so that a closing environment can stop them before its buffers go. */
struct EnvJobs {
  std::mutex mutex;
  std::set<std::shared_ptr<AsyncJob>> live;
};

class AsyncJob : public Job {
 public:
  AsyncJob(int tasks, int workers) : Job(tasks, workers) {}
  JsSide* js = nullptr;
  EnvJobs* envJobs = nullptr;
  int64_t totalElements = 0;
  std::atomic<int64_t> doneElements{0};
  std::atomic<int64_t> lastProgressNs{0};

  void finished() override {
    if (!js) return;
    // deliver() frees js on the JavaScript thread, possibly before the call
    // below returns: take the handle out first and never touch js after it.
    Napi::ThreadSafeFunction tsfn = js->tsfn;
    auto* msg = new Message{Message::Done, elapsedMs(), isCancelled(), error(), js};
    if (tsfn.NonBlockingCall(msg, deliver) != napi_ok) delete msg;
    tsfn.Release();
  }

  /** Throttled progress: at most one message per 50 ms per job. */
  void reportProgress() {
    if (!js || js->onProgress.IsEmpty() || totalElements <= 0) return;
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
    int64_t last = lastProgressNs.load(std::memory_order_relaxed);
    if (now - last < 50'000'000 || !lastProgressNs.compare_exchange_strong(last, now)) return;
    const double fraction = double(doneElements.load(std::memory_order_relaxed)) / double(totalElements);
    auto* msg = new Message{Message::Progress, fraction, false, "", js};
    if (js->tsfn.NonBlockingCall(msg, deliver) != napi_ok) delete msg;
  }

  static void settle(Napi::Env env, const Message& msg) {
    JsSide* js = msg.js;
    if (msg.kind == Message::Progress) {
      if (!js->onProgress.IsEmpty()) js->onProgress.Call({Napi::Number::New(env, msg.value)});
      return;
    }
    if (!msg.error.empty()) {
      js->deferred.Reject(Napi::Error::New(env, msg.error).Value());
    } else if (msg.cancelled) {
      Napi::Error error = Napi::Error::New(env, "the run was cancelled");
      error.Set("name", Napi::String::New(env, "CancelledError"));
      js->deferred.Reject(error.Value());
    } else {
      js->deferred.Resolve(Napi::Number::New(env, msg.value));
    }
  }

  static void deliver(Napi::Env env, Napi::Function, Message* raw) {
    std::unique_ptr<Message> msg(raw);
    JsSide* js = msg->js;
    if (env == nullptr) return;  // environment closing: nothing can be called
    // While a worker thread is being terminated, every call into JavaScript
    // throws; an exception escaping this C callback would abort the whole
    // process, so it stops here: nobody is left to hear the answer.
    try {
      settle(env, *msg);
    } catch (const Napi::Error&) {
    }
    if (msg->kind == Message::Progress) return;
    std::shared_ptr<AsyncJob> job = std::move(js->job);
    if (job && job->envJobs) {
      std::lock_guard<std::mutex> lock(job->envJobs->mutex);
      job->envJobs->live.erase(job);
    }
    delete js;
  }
};

EnvJobs& envJobs(Napi::Env env) {
  void* existing = nullptr;
  if (napi_get_instance_data(env, &existing) == napi_ok && existing) return *static_cast<EnvJobs*>(existing);
  // Deliberately never freed (a few bytes per environment): the cleanup hook
  // below may run after instance data would have been finalized.
  auto* jobs = new EnvJobs();
  napi_set_instance_data(env, jobs, nullptr, nullptr);
  // Before the environment's buffers are freed, stop and wait for its jobs.
  env.AddCleanupHook([jobs] {
    std::vector<std::shared_ptr<AsyncJob>> running;
    {
      std::lock_guard<std::mutex> lock(jobs->mutex);
      running.assign(jobs->live.begin(), jobs->live.end());
    }
    for (auto& job : running) job->cancel();
    for (auto& job : running) job->wait();
  });
  return *jobs;
}

/** Starts `job` on the pool and returns { promise, cancel }. */
Napi::Value startAsync(Napi::Env env, const std::shared_ptr<AsyncJob>& job, std::vector<Napi::Value> keep, Napi::Value onProgress) {
  auto* js = new JsSide(env);
  for (const Napi::Value& v : keep) js->keepAlive.push_back(Napi::Persistent(v));
  if (onProgress.IsFunction()) js->onProgress = Napi::Persistent(onProgress.As<Napi::Function>());
  js->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "vlab-native-run", 0, 1);
  js->job = job;
  job->js = js;
  EnvJobs& jobs = envJobs(env);
  job->envJobs = &jobs;
  {
    std::lock_guard<std::mutex> lock(jobs.mutex);
    jobs.live.insert(job);
  }
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("promise", js->deferred.Promise());
  handle.Set("cancel", Napi::Function::New(env, [job](const Napi::CallbackInfo&) { job->cancel(); }));
  Pool::instance().submit(job);
  return handle;
}

// ---- argument checking ----------------------------------------------------------

[[noreturn]] void fail(Napi::Env env, const std::string& what) { throw Napi::TypeError::New(env, what); }

struct ArrayView {
  void* data;
  int64_t length;
  DType dtype;
};

ArrayView floatArray(Napi::Env env, Napi::Value value, const char* what) {
  // One napi_get_typedarray_info call: this runs several times per call of a jitted scalar function.
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!value.IsTypedArray() || napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      (type != napi_float32_array && type != napi_float64_array))
    fail(env, std::string(what) + " must be a Float32Array or Float64Array");
  return {data, int64_t(length), type == napi_float64_array ? DType::Float64 : DType::Float32};
}

int64_t integerAt(Napi::Env env, const double* values, size_t i) {
  const double v = values[i];
  if (!(std::fabs(v) <= 9007199254740992.0) || v != std::floor(v)) fail(env, "geometry entries must be integers");
  return int64_t(v);
}

int workerCount(Napi::Env env, Napi::Value value) {
  const int poolSize = Pool::instance().size();
  if (value.IsUndefined()) return poolSize;
  if (!value.IsNumber()) fail(env, "workers must be a number");
  const double w = value.As<Napi::Number>().DoubleValue();
  if (!(w >= 1) || w != std::floor(w)) fail(env, "workers must be a positive integer");
  return w > poolSize ? poolSize : int(w);
}

std::shared_ptr<const Program> programArg(Napi::Env env, Napi::Value value) {
  if (!value.IsExternal()) fail(env, "expected a program from compile()");
  auto external = value.As<Napi::External<ProgramHolder>>();
  if (!external.CheckTypeTag(&kProgramTag)) fail(env, "expected a program from compile()");
  return external.Data()->program;
}

/** A run's launch from (program, out, inputs, geometry), with every check the VM relies on. */
std::unique_ptr<Launch> buildLaunch(Napi::Env env, const std::shared_ptr<const Program>& program, Napi::Value outValue,
                                    Napi::Value inputsValue, Napi::Value geometryValue) {
  const Program& P = *program;
  auto launch = std::make_unique<Launch>();
  launch->program = program.get();
  const ArrayView out = floatArray(env, outValue, "out");
  if (out.dtype != P.dtype) fail(env, "out has the wrong dtype for this program");
  if (!inputsValue.IsArray()) fail(env, "inputs must be an array");
  Napi::Array inputs = inputsValue.As<Napi::Array>();
  if (int(inputs.Length()) != P.numInputs) fail(env, "the program takes " + std::to_string(P.numInputs) + " inputs, got " + std::to_string(inputs.Length()));
  std::vector<ArrayView> views;
  views.reserve(size_t(P.numInputs));
  for (uint32_t i = 0; i < uint32_t(P.numInputs); i++) views.push_back(floatArray(env, inputs.Get(i), "each input"));
  const ArrayView geometry = floatArray(env, geometryValue, "geometry");
  if (geometry.dtype != DType::Float64) fail(env, "geometry must be a Float64Array");
  const size_t rank = size_t(P.rank), numReads = P.readInput.size();
  if (size_t(geometry.length) != rank + numReads * (1 + rank)) fail(env, "geometry has the wrong length for this program");
  const double* g = static_cast<const double*>(geometry.data);
  for (size_t a = 0; a < rank; a++) launch->shape[a] = integerAt(env, g, a);
  std::vector<int64_t> lengths(numReads);
  launch->reads.reserve(numReads);
  launch->readOffset.reserve(numReads);
  launch->readStrides.reserve(numReads * rank);
  for (size_t r = 0; r < numReads; r++) {
    const ArrayView& src = views[size_t(P.readInput[r])];
    launch->reads.push_back({src.data, src.dtype});
    lengths[r] = src.length;
    const size_t at = rank + r * (1 + rank);
    launch->readOffset.push_back(integerAt(env, g, at));
    for (size_t a = 0; a < rank; a++) launch->readStrides.push_back(integerAt(env, g, at + 1 + a));
  }
  const std::string problem = prepareLaunch(*launch, lengths.data());
  if (!problem.empty()) throw Napi::RangeError::New(env, problem);
  if (out.length < launch->size) throw Napi::RangeError::New(env, "out holds " + std::to_string(out.length) + " elements but the result has " + std::to_string(launch->size));
  launch->out = out.data;
  return launch;
}

inline int64_t partStart(int64_t size, int64_t parts, int64_t k) {
  return (size / parts) * k + std::min(k, size % parts);
}

// ---- jobs ---------------------------------------------------------------------------

class VmJob : public AsyncJob {
 public:
  VmJob(std::shared_ptr<const Program> program_, std::unique_ptr<Launch> launch_, int parts, int workers)
      : AsyncJob(launch_->size == 0 ? 0 : parts, workers), program(std::move(program_)), launch(std::move(launch_)), numParts(parts) {
    totalElements = launch->size;
    launch->cancelled = &cancelled;
    launch->doneElements = &doneElements;
    launch->onBlock = [](void* self) { static_cast<VmJob*>(self)->reportProgress(); };
    launch->onBlockContext = this;
  }
  void runTask(int task) override {
    const int64_t size = launch->size;
    void* scratch = threadScratch(scratchBytes(*launch));
    kernels().evalRange(*launch, partStart(size, numParts, task), partStart(size, numParts, task + 1), scratch);
  }

 private:
  std::shared_ptr<const Program> program;
  std::unique_ptr<Launch> launch;
  int numParts;
};

/**
 * Default split: enough parts to balance the threads, each at least a few
 * blocks; one part on one thread (each part pays the row cache's prologue,
 * and cancellation and progress do not need parts: they go block by block).
 */
int defaultParts(int64_t size, int workers) {
  if (workers == 1) return 1;
  const int64_t byWork = (size + 16 * kBlock - 1) / (16 * kBlock);
  const int64_t parts = std::min<int64_t>(std::max<int64_t>(byWork, 1), int64_t(workers) * 8);
  return int(parts);
}

class FloorJob : public AsyncJob {
 public:
  FloorJob(ArrayView out_, int workers) : AsyncJob(out_.length == 0 ? 0 : workers, workers), out(out_), parts(workers) {}
  void runTask(int task) override {
    kernels().streamFill(out.data, out.dtype, partStart(out.length, parts, task), partStart(out.length, parts, task + 1));
  }

 private:
  ArrayView out;
  int parts;
};

class LessonJob : public AsyncJob {
 public:
  LessonJob(ArrayView out_, ArrayView x_, ArrayView y_, int workers)
      : AsyncJob(x_.length == 0 ? 0 : workers, workers), out(out_), x(x_), y(y_), parts(workers) {}
  void runTask(int task) override {
    // Rows i run over x, each row over all of y: out is x.length × y.length.
    kernels().lessonRows(out.data, x.data, y.data, out.dtype, y.length, partStart(x.length, parts, task), partStart(x.length, parts, task + 1));
  }

 private:
  ArrayView out, x, y;
  int parts;
};

/** The parts a run is cut into: the caller's (pmap: one per device) or enough to balance the threads. */
int partsFrom(Napi::Env env, Napi::Value value, int64_t size, int workers) {
  if (value.IsUndefined()) return defaultParts(size, workers);
  if (!value.IsNumber()) fail(env, "parts must be a positive integer");
  const double p = value.As<Napi::Number>().DoubleValue();
  if (!(p >= 1 && p <= 1 << 20) || p != std::floor(p)) fail(env, "parts must be a positive integer");
  return int(p);
}

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

Napi::Value DefaultThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), defaultThreadCount()); }

Napi::Value Isa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), kernels().isa); }

Napi::Value Compile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    fail(env, "compile(code: Int32Array, consts: Float64Array)");
  const ArrayView consts = floatArray(env, info[1], "consts");
  if (consts.dtype != DType::Float64) fail(env, "consts must be a Float64Array");
  Napi::Int32Array code = info[0].As<Napi::Int32Array>();
  auto program = std::make_shared<Program>();
  const std::string problem = parseProgram(code.Data(), code.ElementLength(), static_cast<const double*>(consts.data), size_t(consts.length), *program);
  if (!problem.empty()) throw Napi::Error::New(env, "invalid bytecode: " + problem);
  auto external = Napi::External<ProgramHolder>::New(env, new ProgramHolder{program}, [](Napi::Env, ProgramHolder* h) { delete h; });
  external.TypeTag(&kProgramTag);
  return external;
}

// run(program, out, inputs, geometry, { workers?, parts?, onProgress? }) -> { promise, cancel }
Napi::Value Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto program = programArg(env, info[0]);
  Napi::Object options = info[4].IsObject() ? info[4].As<Napi::Object>() : Napi::Object::New(env);
  const int workers = workerCount(env, options.Get("workers"));
  auto launch = buildLaunch(env, program, info[1], info[2], info[3]);
  const int parts = partsFrom(env, options.Get("parts"), launch->size, workers);
  auto job = std::make_shared<VmJob>(program, std::move(launch), parts, workers);
  return startAsync(env, job, {info[1], info[2]}, options.Get("onProgress"));
}

// runSync(program, out, inputs, geometry, workers?, parts?): small runs on the calling thread, larger ones on
// the pool. Positional numbers rather than an options object: the loops strategy calls this millions of times.
Napi::Value RunSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto program = programArg(env, info[0]);
  const int workers = workerCount(env, info[4]);
  auto launch = buildLaunch(env, program, info[1], info[2], info[3]);
  const int parts = partsFrom(env, info[5], launch->size, workers);
  if (launch->size <= 16 * kBlock || workers == 1 || parts == 1) {
    kernels().evalRange(*launch, 0, launch->size, threadScratch(scratchBytes(*launch)));
    return env.Undefined();
  }
  auto job = std::make_shared<VmJob>(program, std::move(launch), parts, workers);
  Pool::instance().submit(job);
  job->wait();
  return env.Undefined();
}

// measureFloor(out, workers) -> { promise of ms, cancel }: streaming stores of zeros over all of out.
Napi::Value MeasureFloor(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ArrayView out = floatArray(env, info[0], "out");
  const int workers = workerCount(env, info[1]);
  return startAsync(env, std::make_shared<FloorJob>(out, workers), {info[0]}, env.Undefined());
}

// lessonLoop(out, x, y, workers) -> { promise of ms, cancel }: the hand-written f over the nx × ny grid.
Napi::Value LessonLoop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const ArrayView out = floatArray(env, info[0], "out");
  const ArrayView x = floatArray(env, info[1], "x");
  const ArrayView y = floatArray(env, info[2], "y");
  if (x.dtype != out.dtype || y.dtype != out.dtype) fail(env, "out, x and y must share a dtype");
  if (out.length < x.length * y.length) fail(env, "out must hold x.length × y.length elements");
  const int workers = workerCount(env, info[3]);
  return startAsync(env, std::make_shared<LessonJob>(out, x, y, workers), {info[0], info[1], info[2]}, env.Undefined());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("bytecodeVersion", Napi::Number::New(env, kBytecodeVersion));
  exports.Set("blockElements", Napi::Number::New(env, kBlock));
  exports.Set("opcodes", Napi::Function::New(env, Opcodes));
  exports.Set("startPool", Napi::Function::New(env, StartPool));
  exports.Set("poolSize", Napi::Function::New(env, PoolSize));
  exports.Set("defaultThreads", Napi::Function::New(env, DefaultThreads));
  exports.Set("isa", Napi::Function::New(env, Isa));
  exports.Set("compile", Napi::Function::New(env, Compile));
  exports.Set("run", Napi::Function::New(env, Run));
  exports.Set("runSync", Napi::Function::New(env, RunSync));
  exports.Set("measureFloor", Napi::Function::New(env, MeasureFloor));
  exports.Set("lessonLoop", Napi::Function::New(env, LessonLoop));
  return exports;
}

}  // namespace
}  // namespace vlab

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) { return vlab::Init(env, exports); }

NODE_API_MODULE(vlab_native, InitModule)
