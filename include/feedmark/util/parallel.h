#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace feedmark {

/// Runs f(i) for every i in [0, n), on `threads` threads (0: one per core),
/// the calling thread included. f must be safe to call concurrently; the
/// first exception it throws is rethrown here once every thread has stopped.
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
  std::mutex failure_mutex;
  std::exception_ptr failure;
  const auto worker = [&] {
    try {
      for (std::size_t i = next++; i < n; i = next++) {
        f(i);
      }
    } catch (...) {  // bad_alloc: stop everyone, rethrow on the caller
      next = n;
      const std::lock_guard lock(failure_mutex);
      failure = failure ? failure : std::current_exception();
    }
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads; ++t) {
      pool.emplace_back(worker);
    }
    worker();
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
}

/// f(i) for every i in [0, n), on every core, in `slices` runs of
/// neighbouring indexes: for thousands of small calls (a stat, the hash of
/// a short item), handing out each index would cost more than the call.
template <class F>
void parallel_for_in_slices(std::size_t n, std::size_t slices, F f) {
  parallel_for(slices, 0, [&](std::size_t slice) {
    for (std::size_t i = slice * n / slices; i < (slice + 1) * n / slices;
         ++i) {
      f(i);
    }
  });
}

/// A queue from producer threads to one consumer.
template <class T>
class Channel {
 public:
  void push(T value) {
    {
      const std::lock_guard lock(mutex_);
      items_.push_back(std::move(value));
    }
    ready_.notify_one();
  }
  /// No more pushes: pop() returns nothing once the queue is empty.
  void close() {
    {
      const std::lock_guard lock(mutex_);
      closed_ = true;
    }
    ready_.notify_all();
  }
  /// The next value, waiting for one; nothing once closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) {
      return std::nullopt;
    }
    T value = std::move(items_.front());
    items_.pop_front();
    return value;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace feedmark
