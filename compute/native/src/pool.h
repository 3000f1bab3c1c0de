// The fixed pool of native threads: created once per process, sized to the
// machine's available parallelism unless told otherwise, and never resized.
// Its threads are the CPU devices of pmap. Work arrives as jobs cut into
// tasks; a job may cap how many threads work on it at once (pmap over d
// devices uses d), and several jobs may be in flight. Nothing here touches
// JavaScript: completion is reported through Job::finished().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vlab {

class Job {
 public:
  Job(int numTasks, int maxWorkers);
  virtual ~Job() = default;

  /** Runs one task. Tasks check `cancelled` between blocks and return early. */
  virtual void runTask(int task) = 0;
  /** Called once, by the thread that finished the last task (or by submit() when there are none). */
  virtual void finished() {}

  void cancel() { cancelled.store(true, std::memory_order_relaxed); }
  bool isCancelled() const { return cancelled.load(std::memory_order_relaxed); }
  /** Blocks the calling thread until finished() has returned. */
  void wait();
  /** Milliseconds from the first task's start to the last task's end. */
  double elapsedMs() const;
  /** A task that throws records its message here and cancels the rest. */
  std::string error() const;

  std::atomic<bool> cancelled{false};

 private:
  friend class Pool;
  void runClaimed(int task);
  void complete();

  const int numTasks;
  const int maxWorkers;
  std::atomic<int> next{0};
  std::atomic<int> remaining;
  int active = 0;  // guarded by the pool's mutex
  std::atomic<bool> started{false};
  std::chrono::steady_clock::time_point startTime, endTime;
  mutable std::mutex doneMutex;
  std::condition_variable doneCv;
  bool done = false;
  std::string errorMessage;
};

class Pool {
 public:
  /** The process's pool, created on first call with `threads` (0: VLAB_THREADS or the hardware's count). */
  static Pool& instance(int threads = 0);
  /** Whether the pool exists yet (it is created at most once). */
  static bool created();
  int size() const { return int(threads.size()); }
  void submit(const std::shared_ptr<Job>& job);

 private:
  explicit Pool(int n);
  void workerLoop();
  std::shared_ptr<Job> pick();

  std::mutex mutex;
  std::condition_variable wake;
  std::deque<std::shared_ptr<Job>> queue;
  std::vector<std::thread> threads;
};

/** Threads to start: VLAB_THREADS when set to a positive integer, else the CPUs this process may run on. */
int defaultThreadCount();

/** Per-thread scratch memory, grown on demand and kept for the thread's life. */
void* threadScratch(size_t bytes);

}  // namespace vlab
