#pragma once
// Waiting for callbacks in tests without sleeping: a value handed over from any thread, waited for with
// a timeout (a test that would hang fails instead).
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace chuhe::test {

// A thread-safe queue: callbacks push, the test pops with a timeout.
template <class T>
class Mailbox {
 public:
  void push(T value) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(value));
    }
    ready_.notify_all();
  }

  std::optional<T> pop(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, timeout, [&] { return !items_.empty(); })) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    return value;
  }

  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
};

// Calls `start` with a callback and waits for the value it is called with. The mailbox outlives a
// timed-out wait, so a late callback is harmless.
template <class T>
std::optional<T> await(const std::function<void(std::function<void(T)>)>& start,
                       std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto box = std::make_shared<Mailbox<T>>();
  start([box](T value) { box->push(std::move(value)); });
  return box->pop(timeout);
}

// As await, for a value the test cannot go on without: throws (failing the test) if none comes in time.
template <class T, class Start>
T await_value(Start start, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto value = await<T>(std::function<void(std::function<void(T)>)>(std::move(start)), timeout);
  if (!value) throw std::runtime_error("no callback within " + std::to_string(timeout.count()) + " ms");
  return std::move(*value);
}

// Polls `condition` every `interval` until it holds or `timeout` passes; returns its last value. For
// states that announce themselves by no callback (e.g. "Redis is reachable again"); prefer Mailbox
// whenever there is a callback to wait on.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds interval = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace chuhe::test
