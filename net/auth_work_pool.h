#pragma once
// A few threads with a bounded queue, for slow CPU work (Argon2) that must not run on io threads or on
// the Redis/DB threads.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace chuhe::net {

class WorkPool {
 public:
  WorkPool(std::size_t threads, std::size_t queue_limit);
  ~WorkPool();  // stop()
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `job`; false, without running it, when the queue is full or the pool has stopped.
  bool post(std::function<void()> job);

  // Runs the jobs already queued (their callers are waiting for an answer), then joins the threads.
  // Must not be called from a pool thread.
  void stop();

 private:
  void run();

  const std::size_t queue_limit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace chuhe::net
