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
#include <set>
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
  // `confirmed`, if given, runs once Redis has confirmed the subscription (at once, on this thread, if it
  // already has; else on the subscriber thread): a message published after that reaches the handler.
  // A subscription made with `confirmed` is "quiet": it does not trigger on_ready (cluster nodes come
  // and go on per-game channels all the time; on_ready is for what a reconnect may have missed).
  void subscribe(const std::string& channel, Handler handler, std::function<void()> confirmed = {});
  // Drops every handler of `channel` (and any `confirmed` still waiting) and unsubscribes from it.
  void unsubscribe(const std::string& channel);

  // Called on the subscriber thread each time Redis has confirmed every channel subscribed so far:
  // after the first subscription, after each new channel added without `confirmed`, and after every
  // reconnect.
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

  std::mutex mutex_;  // guards what follows
  std::map<std::string, std::vector<Handler>> handlers_;
  std::map<std::string, std::vector<std::function<void()>>> waiting_;  // `confirmed` callbacks
  std::set<std::string> confirmed_;  // subscribed on the current connection, nothing in flight for them
  std::set<std::string> dropped_;    // unsubscribed since the thread last looked (maybe taken again)
  bool ready_pending_ = true;        // on_ready is owed once everything is confirmed
  std::function<void()> on_ready_;

  std::thread thread_;
};

}  // namespace chuhe::persistence
