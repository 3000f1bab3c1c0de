// Reading and checking the addon's arguments (see args.h).

#include "args.h"

#include <cmath>
#include <vector>

#include "partition.h"
#include "pool.h"

namespace vlab {

namespace {

const napi_type_tag kProgramTag = {0x766c61622d6e6174ULL, 0x6976652d70726f67ULL};

struct ProgramHolder {
  std::shared_ptr<const Program> program;
};

int64_t integerAt(Napi::Env env, const double* values, size_t i) {
  const double v = values[i];
  if (!(std::fabs(v) <= 9007199254740992.0) || v != std::floor(v)) fail(env, "geometry entries must be integers");
  return int64_t(v);
}

}  // namespace

void fail(Napi::Env env, const std::string& what) { throw Napi::TypeError::New(env, what); }

ArrayView floatArray(Napi::Env env, Napi::Value value, const char* what) {
  // One napi_get_typedarray_info call: this runs several times per call of a jitted scalar function.
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  if (!value.IsTypedArray() ||
      napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr) != napi_ok ||
      (type != napi_float32_array && type != napi_float64_array))
    fail(env, std::string(what) + " must be a Float32Array or Float64Array");
  return {data, int64_t(length), type == napi_float64_array ? DType::Float64 : DType::Float32};
}

int workerCount(Napi::Env env, Napi::Value value) {
  const int poolSize = Pool::instance().size();
  if (value.IsUndefined()) return poolSize;
  if (!value.IsNumber()) fail(env, "workers must be a number");
  const double w = value.As<Napi::Number>().DoubleValue();
  if (!(w >= 1) || w != std::floor(w)) fail(env, "workers must be a positive integer");
  return w > poolSize ? poolSize : int(w);
}

int partsFrom(Napi::Env env, Napi::Value value, int64_t size, int workers) {
  if (value.IsUndefined()) return defaultParts(size, workers);
  if (!value.IsNumber()) fail(env, "parts must be a positive integer");
  const double p = value.As<Napi::Number>().DoubleValue();
  if (!(p >= 1 && p <= 1 << 20) || p != std::floor(p)) fail(env, "parts must be a positive integer");
  return int(p);
}

const Kernels& kernelsArg(Napi::Env env, Napi::Value value) {
  if (value.IsUndefined() || value.IsNull()) return kernels();
  if (!value.IsString()) fail(env, "isa must be a target name string");
  std::string problem;
  const Kernels* named = kernelsNamed(value.As<Napi::String>().Utf8Value(), &problem);
  if (!named) throw Napi::RangeError::New(env, "isa: " + problem);
  return *named;
}

Napi::Value programHandle(Napi::Env env, std::shared_ptr<const Program> program) {
  auto external = Napi::External<ProgramHolder>::New(env, new ProgramHolder{std::move(program)},
                                                     [](Napi::Env, ProgramHolder* h) { delete h; });
  external.TypeTag(&kProgramTag);
  return external;
}

std::shared_ptr<const Program> programArg(Napi::Env env, Napi::Value value) {
  if (!value.IsExternal()) fail(env, "expected a program from compile()");
  auto external = value.As<Napi::External<ProgramHolder>>();
  if (!external.CheckTypeTag(&kProgramTag)) fail(env, "expected a program from compile()");
  return external.Data()->program;
}

std::unique_ptr<Launch> buildLaunch(Napi::Env env, const std::shared_ptr<const Program>& program, Napi::Value outValue,
                                    Napi::Value inputsValue, Napi::Value geometryValue, Napi::Value reduce) {
  const Program& P = *program;
  auto launch = std::make_unique<Launch>();
  launch->program = program.get();
  const ArrayView out = floatArray(env, outValue, "out");
  const bool reducing = !reduce.IsEmpty() && !reduce.IsUndefined();
  if (!reducing && out.dtype != P.dtype) fail(env, "out has the wrong dtype for this program");
  if (!inputsValue.IsArray()) fail(env, "inputs must be an array");
  Napi::Array inputs = inputsValue.As<Napi::Array>();
  if (int(inputs.Length()) != P.numInputs)
    fail(env, "the program takes " + std::to_string(P.numInputs) + " inputs, got " + std::to_string(inputs.Length()));
  std::vector<ArrayView> views;
  views.reserve(size_t(P.numInputs));
  for (uint32_t i = 0; i < uint32_t(P.numInputs); i++) views.push_back(floatArray(env, inputs.Get(i), "each input"));
  const ArrayView geometry = floatArray(env, geometryValue, "geometry");
  if (geometry.dtype != DType::Float64) fail(env, "geometry must be a Float64Array");
  const size_t rank = size_t(P.rank), numReads = P.readInput.size();
  if (size_t(geometry.length) != rank + numReads * (1 + rank))
    fail(env, "geometry has the wrong length for this program");
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
  if (reducing) {
    const ArrayView r = floatArray(env, reduce, "reduce");
    if (r.dtype != DType::Float64 || r.length != 4)
      fail(env, "reduce must be a Float64Array [kind, length, segments, parts]");
    const double* d = static_cast<const double*>(r.data);
    const int64_t kind = integerAt(env, d, 0), length = integerAt(env, d, 1), segments = integerAt(env, d, 2),
                  parts = integerAt(env, d, 3);
    if (kind < 1 || kind > 3) fail(env, "reduce kind must be 1 (sum), 2 (max) or 3 (min)");
    if (segments < 1 || parts < 1 || length * segments != launch->size)
      fail(env, "reduce length × segments must be the run's size");
    if (out.dtype != DType::Float64 || out.length < 2 * std::max(segments, parts))
      fail(env, "out must be a Float64Array of two partials per slot");
    launch->reduceKind = ReduceKind(kind);
    launch->reduceLength = length;
    launch->reduceSegments = segments;
    launch->reduceParts = parts;
    launch->partials = static_cast<double*>(out.data);
    return launch;
  }
  if (out.length < launch->size)
    throw Napi::RangeError::New(env, "out holds " + std::to_string(out.length) + " elements but the result has " +
                                         std::to_string(launch->size));
  launch->out = out.data;
  return launch;
}

}  // namespace vlab
