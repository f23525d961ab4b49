#pragma once
// RedisClient: commands to Redis from any thread, answered by callback.
//
// One dedicated thread owns one hiredis connection and runs the requests in order. Nothing waits on Redis
// for long: connects and commands time out (RedisOptions), a lost connection is re-established with
// exponential backoff, and while there is none every request is answered at once with an `unavailable`
// reply instead of queueing. Callbacks run on the client thread: keep them short and post back to your
// own executor (strand, io_context) before touching your state. A callback may issue further commands.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "persistence/redis_types.h"

namespace chuhe::persistence {

class RedisConnection;

class RedisClient {
 public:
  using Done = std::function<void(RedisReply)>;

  // Starts the client thread and the first connection attempt; does not wait for it.
  explicit RedisClient(RedisOptions options);
  // Answers every pending request with `unavailable`, closes the connection and joins the thread.
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Queues one command, e.g. {"SET", key, value, "EX", "60"} (binary safe). `done` runs on the client
  // thread with the reply; if the queue is full or the client is shutting down, it runs at once on the
  // calling thread with an `unavailable` reply. `done` may be empty.
  void command(std::vector<std::string> args, Done done);

  // Whether a connection to Redis is established right now (a hint: it may drop the next moment).
  bool available() const { return connected_.load(std::memory_order_acquire); }

  const RedisOptions& options() const { return options_; }

 private:
  struct Request {
    std::vector<std::string> args;
    Done done;
  };

  void run();
  void try_connect();
  void drop_connection();

  const RedisOptions options_;
  std::atomic<bool> connected_{false};

  std::mutex mutex_;                // guards queue_ and stopping_
  std::condition_variable wake_;
  std::deque<Request> queue_;
  bool stopping_ = false;

  // Owned by the client thread only.
  std::unique_ptr<RedisConnection> connection_;
  std::chrono::steady_clock::time_point next_attempt_{};
  int backoff_ms_ = 0;

  std::thread thread_;  // last: starts after every member above is ready
};

}  // namespace chuhe::persistence
