// The thread pool. Workers sleep on one condition variable; a job is taken
// by at most maxWorkers threads, each claiming tasks with an atomic counter
// until none are left, so several jobs in flight share the threads fairly.

#include "pool.h"

#include <algorithm>
#include <cstdlib>
#include <exception>

#if defined(__linux__)
#include <sched.h>
#endif

namespace vlab {

Job::Job(int numTasks_, int maxWorkers_)
    : numTasks(numTasks_), maxWorkers(maxWorkers_ < 1 ? 1 : maxWorkers_), remaining(numTasks_) {}

void Job::runClaimed(int task) {
  bool expected = false;
  if (started.compare_exchange_strong(expected, true)) startTime = std::chrono::steady_clock::now();
  if (!isCancelled()) {
    try {
      runTask(task);
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(doneMutex);
      if (errorMessage.empty()) errorMessage = e.what();
      cancel();
    }
  }
  if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) complete();
}

void Job::complete() {
  endTime = std::chrono::steady_clock::now();
  if (!started.load()) startTime = endTime;
  finished();
  std::lock_guard<std::mutex> lock(doneMutex);
  done = true;
  doneCv.notify_all();
}

void Job::wait() {
  std::unique_lock<std::mutex> lock(doneMutex);
  doneCv.wait(lock, [this] { return done; });
}

double Job::elapsedMs() const { return std::chrono::duration<double, std::milli>(endTime - startTime).count(); }

std::string Job::error() const {
  std::lock_guard<std::mutex> lock(doneMutex);
  return errorMessage;
}

int defaultThreadCount() {
  if (const char* env = std::getenv("VLAB_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && n > 0 && n <= 1024) return int(n);
  }
#if defined(__linux__)
  // The CPUs this process may run on (taskset, container cpusets), as Node's os.availableParallelism().
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 0) return CPU_COUNT(&allowed);
#endif
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : int(hw);
}

static std::atomic<Pool*> thePool{nullptr};
static std::mutex creation;

Pool& Pool::instance(int n) {
  if (Pool* p = thePool.load(std::memory_order_acquire)) return *p;
  std::lock_guard<std::mutex> lock(creation);
  if (Pool* p = thePool.load(std::memory_order_acquire)) return *p;
  // Never deleted: worker threads live as long as the process, so no
  // destructor can join (or abort on) a thread at exit.
  Pool* p = new Pool(n > 0 ? n : defaultThreadCount());
  thePool.store(p, std::memory_order_release);
  return *p;
}

bool Pool::created() { return thePool.load(std::memory_order_acquire) != nullptr; }

Pool::Pool(int n) {
  for (int i = 0; i < n; i++) threads.emplace_back([this] { workerLoop(); });
  for (auto& t : threads) t.detach();
}

void Pool::submit(const std::shared_ptr<Job>& job) {
  if (job->numTasks == 0) {
    job->complete();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    queue.push_back(job);
  }
  // Wake only as many threads as can work on it: a one-device run must not
  // cost the other threads a wake-up (and, on a busy machine, a time slice).
  const int wanted = std::min(job->maxWorkers, job->numTasks);
  if (wanted >= size()) {
    wake.notify_all();
  } else {
    for (int i = 0; i < wanted; i++) wake.notify_one();
  }
}

// Under the mutex: the first job with tasks left and room for one more worker.
std::shared_ptr<Job> Pool::pick() {
  for (auto it = queue.begin(); it != queue.end();) {
    Job& job = **it;
    if (job.next.load(std::memory_order_relaxed) >= job.numTasks) {
      it = queue.erase(it);
      continue;
    }
    if (job.active < job.maxWorkers) {
      job.active++;
      return *it;
    }
    ++it;
  }
  return nullptr;
}

void Pool::workerLoop() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex);
      wake.wait(lock, [&] { return (job = pick()) != nullptr; });
    }
    for (;;) {
      const int task = job->next.fetch_add(1, std::memory_order_relaxed);
      if (task >= job->numTasks) break;
      job->runClaimed(task);
    }
    bool others;
    {
      std::lock_guard<std::mutex> lock(mutex);
      job->active--;
      others = !queue.empty();
    }
    // A job capped below the pool size may have left others waiting behind it.
    if (others) wake.notify_all();
  }
}

void* threadScratch(size_t bytes) {
  static thread_local std::vector<char> scratch;
  if (scratch.size() < bytes) scratch.resize(bytes);
  return scratch.data();
}

}  // namespace vlab
