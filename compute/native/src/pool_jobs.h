// The jobs the addon starts on the native pool, one class per kind of run: the VM over a program (a grid, or a
// map-reduce to partials), and the yardsticks and probes the benchmark and the machine view read against (the
// write floor, the hand-written lesson loop and its fused max, the memory and FMA probes). Each splits its work
// into parts, one task per part; none allocates per element. Included by addon.cc only.

#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "args.h"
#include "async_job.h"
#include "partition.h"
#include "program.h"
#include "vm_common.h"

namespace vlab {

class VmJob : public AsyncJob {
 public:
  VmJob(const Kernels& kernels_, std::shared_ptr<const Program> program_, std::unique_ptr<Launch> launch_, int parts,
        int workers)
      : AsyncJob(launch_->size == 0 ? 0 : parts, workers),
        kernels(kernels_),
        program(std::move(program_)),
        launch(std::move(launch_)),
        numParts(parts) {
    totalElements = launch->size;
    launch->cancelled = &cancelled;
    launch->doneElements = &doneElements;
    launch->onBlock = [](void* self) { static_cast<VmJob*>(self)->reportProgress(); };
    launch->onBlockContext = this;
  }
  void runTask(int task) override {
    const int64_t size = launch->size;
    void* scratch = threadScratch(scratchBytes(*launch));
    if (launch->reduceSegments > 1) {  // a map-reduce to several elements: each part holds whole ones
      const int64_t length = launch->reduceLength, segments = launch->reduceSegments;
      kernels.evalRange(*launch, partStart(segments, numParts, task) * length,
                        partStart(segments, numParts, task + 1) * length, scratch);
      return;
    }
    kernels.evalRange(*launch, partStart(size, numParts, task), partStart(size, numParts, task + 1), scratch);
  }

 private:
  const Kernels& kernels;
  std::shared_ptr<const Program> program;
  std::unique_ptr<Launch> launch;
  int numParts;
};

class FloorJob : public AsyncJob {
 public:
  FloorJob(const Kernels& kernels_, ArrayView out_, int workers)
      : AsyncJob(out_.length == 0 ? 0 : workers, workers), kernels(kernels_), out(out_), parts(workers) {}
  void runTask(int task) override {
    kernels.streamFill(out.data, out.dtype, partStart(out.length, parts, task), partStart(out.length, parts, task + 1));
  }

 private:
  const Kernels& kernels;
  ArrayView out;
  int parts;
};

class LessonJob : public AsyncJob {
 public:
  LessonJob(const Kernels& kernels_, ArrayView out_, ArrayView x_, ArrayView y_, int workers)
      : AsyncJob(x_.length == 0 ? 0 : workers, workers), kernels(kernels_), out(out_), x(x_), y(y_), parts(workers) {}
  void runTask(int task) override {
    // Rows i run over x, each row over all of y: out is x.length × y.length.
    kernels.lessonRows(out.data, x.data, y.data, out.dtype, y.length, partStart(x.length, parts, task),
                       partStart(x.length, parts, task + 1));
  }

 private:
  const Kernels& kernels;
  ArrayView out, x, y;
  int parts;
};

class LessonMaxJob : public AsyncJob {
 public:
  LessonMaxJob(const Kernels& kernels_, ArrayView out_, ArrayView x_, ArrayView y_, int workers)
      : AsyncJob(x_.length == 0 ? 0 : int(out_.length), workers),
        kernels(kernels_),
        out(out_),
        x(x_),
        y(y_),
        parts(int(out_.length)) {}
  void runTask(int task) override {
    // Part `task` of the rows: its maximum goes to out[task].
    static_cast<double*>(out.data)[task] = kernels.lessonMax(
        x.data, y.data, x.dtype, y.length, partStart(x.length, parts, task), partStart(x.length, parts, task + 1));
  }

 private:
  const Kernels& kernels;
  ArrayView out, x, y;
  int parts;
};

/** The machine view's memory probe: each thread its own contiguous slice of `data`, read or written `passes` times. */
class ProbeMemoryJob : public AsyncJob {
 public:
  ProbeMemoryJob(const Kernels& probes_, ArrayView data_, int kind_, int passes_, int workers)
      : AsyncJob(workers, workers),
        probes(probes_),
        data(data_),
        kind(kind_),
        passes(passes_),
        parts(workers),
        sinks(workers) {}
  void runTask(int task) override {
    const int64_t begin = partStart(data.length, parts, task), end = partStart(data.length, parts, task + 1);
    const size_t item = data.dtype == DType::Float64 ? 8 : 4;
    sinks[task] =
        probes.probeMemory(static_cast<char*>(data.data) + begin * item, data.dtype, end - begin, kind, passes);
  }

 private:
  Kernels probes;
  ArrayView data;
  int kind, passes, parts;
  std::vector<double> sinks;  // one per task: the sums read, so that no read is optimized away
};

/** The machine view's FMA probe: the same loop on every thread. */
class ProbeFmaJob : public AsyncJob {
 public:
  ProbeFmaJob(const Kernels& probes_, DType dtype_, int64_t iterations_, int workers)
      : AsyncJob(workers, workers), probes(probes_), dtype(dtype_), iterations(iterations_), sinks(workers) {}
  void runTask(int task) override { probes.probeFma(dtype, iterations, &sinks[task]); }

 private:
  Kernels probes;
  DType dtype;
  int64_t iterations;
  std::vector<double> sinks;  // one per task: the loops' results, so that no loop is optimized away
};

}  // namespace vlab
