// The JavaScript side of AsyncJob (see async_job.h): messages from worker
// threads delivered on the JavaScript thread, the promise settled, and the
// per-environment list of running jobs that a closing environment cancels
// and waits for.

#include "async_job.h"

#include <chrono>
#include <mutex>
#include <set>
#include <string>

namespace vlab {

struct JsSide {
  explicit JsSide(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise::Deferred deferred;
  Napi::ThreadSafeFunction tsfn;
  std::vector<Napi::Reference<Napi::Value>> keepAlive;
  Napi::FunctionReference onProgress;
  std::shared_ptr<AsyncJob> job;  // dropped at completion
};

/** Jobs still running per environment, so that a closing environment can stop them before its buffers go. */
struct EnvJobs {
  std::mutex mutex;
  std::set<std::shared_ptr<AsyncJob>> live;
};

/** What a worker posts to the JavaScript thread: progress, or the job's end. */
struct JobMessage {
  enum Kind { Progress, Done } kind;
  double value;
  bool cancelled;
  std::string error;
  JsSide* js;
};

namespace {

void settle(Napi::Env env, const JobMessage& msg) {
  JsSide* js = msg.js;
  if (msg.kind == JobMessage::Progress) {
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

}  // namespace

/** The thread-safe function's callback; a friend of AsyncJob, to take a finished job off its environment's list. */
struct JobDelivery {
  static void deliver(Napi::Env env, Napi::Function, JobMessage* raw) {
    std::unique_ptr<JobMessage> msg(raw);
    JsSide* js = msg->js;
    if (env == nullptr) return;  // environment closing: nothing can be called
    // While a worker thread is being terminated, every call into JavaScript
    // throws; an exception escaping this C callback would abort the whole
    // process, so it stops here: nobody is left to hear the answer.
    try {
      settle(env, *msg);
    } catch (const Napi::Error&) {
    }
    if (msg->kind == JobMessage::Progress) return;
    std::shared_ptr<AsyncJob> job = std::move(js->job);
    if (job && job->envJobs) {
      std::lock_guard<std::mutex> lock(job->envJobs->mutex);
      job->envJobs->live.erase(job);
    }
    delete js;
  }
};

void AsyncJob::finished() {
  if (!js) return;
  // deliver() frees js on the JavaScript thread, possibly before the call
  // below returns: take the handle out first and never touch js after it.
  Napi::ThreadSafeFunction tsfn = js->tsfn;
  auto* msg = new JobMessage{JobMessage::Done, elapsedMs(), isCancelled(), error(), js};
  if (tsfn.NonBlockingCall(msg, JobDelivery::deliver) != napi_ok) delete msg;
  tsfn.Release();
}

void AsyncJob::reportProgress() {
  if (!js || js->onProgress.IsEmpty() || totalElements <= 0) return;
  const int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  int64_t last = lastProgressNs.load(std::memory_order_relaxed);
  if (now - last < 50'000'000 || !lastProgressNs.compare_exchange_strong(last, now)) return;
  const double fraction = double(doneElements.load(std::memory_order_relaxed)) / double(totalElements);
  auto* msg = new JobMessage{JobMessage::Progress, fraction, false, "", js};
  if (js->tsfn.NonBlockingCall(msg, JobDelivery::deliver) != napi_ok) delete msg;
}

namespace {

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

}  // namespace

Napi::Value startAsync(Napi::Env env, const std::shared_ptr<AsyncJob>& job, std::vector<Napi::Value> keep,
                       Napi::Value onProgress) {
  auto* js = new JsSide(env);
  for (const Napi::Value& v : keep) js->keepAlive.push_back(Napi::Persistent(v));
  if (onProgress.IsFunction()) js->onProgress = Napi::Persistent(onProgress.As<Napi::Function>());
  js->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}),
                                           "vlab-native-run", 0, 1);
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

}  // namespace vlab
