#pragma once
// RedisSubscriber: a second Redis connection in pub/sub mode, for messages between nodes
// (e.g. revoked sessions on `chuhe:revoked`).
//
// One thread owns the connection. Handlers run on that thread: keep them short and post to your own
// executor. After a lost connection it reconnects with backoff and subscribes to every channel again.
// Messages published while it was disconnected are lost (that is Redis pub/sub): `on_ready` fires after
// each (re)subscription so the owner can re-check whatever it might have missed.
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "persistence/redis_types.h"

namespace chuhe::persistence {

class RedisConnection;

class RedisSubscriber {
 public:
  using Handler = std::function<void(const std::string& channel, const std::string& message)>;

  explicit RedisSubscriber(RedisOptions options);
  ~RedisSubscriber();  // closes the connection and joins the thread; no handler runs after it returns
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  // Adds a handler for `channel`, subscribing to it if it is new. Several handlers may share a channel.
  void subscribe(const std::string& channel, Handler handler);

  // Called on the subscriber thread each time Redis has confirmed every channel subscribed so far:
  // after the first subscription, after each new channel, and after every reconnect.
  void on_ready(std::function<void()> callback);

  // Whether the connection is up and every channel is confirmed.
  bool ready() const { return ready_.load(std::memory_order_acquire); }

 private:
  void run();
  void wake();
  bool serve_connection(RedisConnection& connection);

  const RedisOptions options_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> stopping_{false};
  int wake_fd_ = -1;  // eventfd: wakes the thread for a new channel or for shutdown

  std::mutex mutex_;  // guards handlers_, pending_, on_ready_
  std::map<std::string, std::vector<Handler>> handlers_;
  std::vector<std::string> pending_;  // channels added since the thread last looked
  std::function<void()> on_ready_;

  std::thread thread_;
};

}  // namespace chuhe::persistence
