#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace feedmark {

/// Runs f(i) for every i in [0, n), on `threads` threads (0: one per core),
/// the calling thread included. f must be safe to call concurrently.
template <class F>
void parallel_for(std::size_t n, unsigned threads, F f) {
  if (threads == 0) {
    threads = std::max(1u, std::thread::hardware_concurrency());
  }
  if (threads <= 1 || n < 8) {
    for (std::size_t i = 0; i < n; ++i) {
      f(i);
    }
    return;
  }
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    for (std::size_t i = next++; i < n; i = next++) {
      f(i);
    }
  };
  std::vector<std::jthread> pool;
  for (unsigned t = 1; t < threads; ++t) {
    pool.emplace_back(worker);
  }
  worker();
}

}  // namespace feedmark
