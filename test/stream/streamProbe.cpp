// A STREAM-like write probe, independent of the lab's addon: the yardstick
// that `npm run check:machine` holds `vlab machine`'s DRAM write bandwidth
// against. Threads each fill their own contiguous slice of one buffer with
// 256-bit streaming stores of non-zero, varying doubles (as a real output is:
// some platforms write zeros faster), `reps` times, each pass timed from the
// first thread's start to the last one's end, as the lab's pool times its
// probes; it prints the best rate (as STREAM reports), the median and every
// rep's GB/s as one JSON line.
// Test tooling, compiled by the check with the system g++; never part of the
// app.
//
// usage: streamProbe BYTES THREADS REPS

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace {

/** 0.25 + k / 2048 for k < 1024: values in [0.25, 0.75), as the lab's floor
 * writes, made once outside the timing. */
alignas(64) double pattern[1024];

/**
 * Fills [begin, end) of out with pattern[i mod 1024]: one L1 load and one
 * 256-bit streaming store per 32 bytes, so the store stream, not the arithmetic
 * of making the values, is what is timed (as in STREAM).
 */
void streamSlice(double *out, int64_t begin, int64_t end) {
  int64_t i = begin;
  for (; i < end && (reinterpret_cast<uintptr_t>(out + i) % 32) != 0; i++) out[i] = pattern[i & 1023];
  // i is a multiple of 4 here (the buffer is 64-byte aligned), so the 4 lanes
  // never cross the pattern's end.
  for (; i + 4 <= end; i += 4) _mm256_stream_pd(out + i, _mm256_load_pd(pattern + (i & 1023)));
  _mm_sfence();
  for (; i < end; i++) out[i] = pattern[i & 1023];
}

using Clock = std::chrono::steady_clock;

/**
 * One pass of every thread over its slice, timed as the lab's pool times a job:
 * from the first thread's start to the last one's end (a thread that waits for
 * a core before starting is in it; the thread's creation is not).
 */
double secondsOfOnePass(double *out, int64_t n, int threads) {
  std::vector<Clock::time_point> starts(threads), ends(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; t++)
    workers.emplace_back([&, t] {
      starts[t] = Clock::now();
      streamSlice(out, n * t / threads, n * (t + 1) / threads);
      ends[t] = Clock::now();
    });
  for (auto &w : workers) w.join();
  return std::chrono::duration<double>(*std::max_element(ends.begin(), ends.end()) -
                                       *std::min_element(starts.begin(), starts.end()))
      .count();
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: streamProbe BYTES THREADS REPS\n");
    return 2;
  }
  const int64_t n = std::atoll(argv[1]) / int64_t(sizeof(double));
  const int threads = std::atoi(argv[2]);
  const int reps = std::atoi(argv[3]);
  if (n < 1024 || threads < 1 || reps < 1) {
    std::fprintf(stderr,
                 "streamProbe: BYTES must be at least 8192, THREADS "
                 "and REPS at least 1\n");
    return 2;
  }
  for (int k = 0; k < 1024; k++) pattern[k] = 0.25 + k * (0.5 / 1024.0);
  auto *out = static_cast<double *>(std::aligned_alloc(64, size_t(n) * sizeof(double)));
  if (!out) {
    std::fprintf(stderr, "streamProbe: could not allocate %lld bytes\n", static_cast<long long>(n * 8));
    return 1;
  }
  // First touch outside the timing, as the lab's probes pay it once before
  // timing.
  secondsOfOnePass(out, n, threads);
  std::vector<double> gbps;
  for (int r = 0; r < reps; r++) gbps.push_back(double(n) * sizeof(double) / secondsOfOnePass(out, n, threads) / 1e9);
  std::vector<double> sorted = gbps;
  std::sort(sorted.begin(), sorted.end());
  std::printf("{\"bestGBps\":%.3f,\"medianGBps\":%.3f,\"samplesGBps\":[", sorted.back(), sorted[sorted.size() / 2]);
  for (size_t k = 0; k < gbps.size(); k++) std::printf("%s%.3f", k ? "," : "", gbps[k]);
  std::printf("],\"checksum\":%.6f}\n", out[n / 2] + out[n - 1]);
  std::free(out);
  return 0;
}
