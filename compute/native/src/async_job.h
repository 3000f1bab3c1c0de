// A pool job that answers JavaScript: started with a promise and a cancel
// function, it reports throttled progress and settles the promise when its
// last task ends, and an environment that closes (a worker thread ending)
// stops and waits for its jobs before its buffers go. Worker threads never
// touch a JavaScript value: they post messages through a thread-safe
// function, and the JavaScript thread delivers them.
#pragma once

#include <napi.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "pool.h"

namespace vlab {

/** The job's JavaScript side (promise, progress callback, the values it keeps alive): touched on the JS thread only. */
struct JsSide;
/** The jobs still running in one environment. */
struct EnvJobs;

class AsyncJob : public Job {
 public:
  AsyncJob(int tasks, int workers) : Job(tasks, workers) {}

  /** Posts the result (elapsed ms, the cancellation or the error) to the JavaScript thread. */
  void finished() override;
  /** Throttled progress: at most one message per 50 ms per job; safe from any worker. */
  void reportProgress();

  /** What reportProgress() reports: doneElements / totalElements. */
  int64_t totalElements = 0;
  std::atomic<int64_t> doneElements{0};

 private:
  friend Napi::Value startAsync(Napi::Env, const std::shared_ptr<AsyncJob>&, std::vector<Napi::Value>, Napi::Value);
  friend struct JobDelivery;
  JsSide* js = nullptr;
  EnvJobs* envJobs = nullptr;
  std::atomic<int64_t> lastProgressNs{0};
};

/**
 * Starts `job` on the pool and returns { promise, cancel }. `keep` are the
 * JavaScript values whose memory the job reads or writes, held until it
 * settles; `onProgress`, when a function, is called with the fraction done.
 */
Napi::Value startAsync(Napi::Env env, const std::shared_ptr<AsyncJob>& job, std::vector<Napi::Value> keep,
                       Napi::Value onProgress);

}  // namespace vlab
