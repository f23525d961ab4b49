#pragma once
// One hiredis connection (internal to persistence/). Used by exactly one thread at a time: the
// RedisClient's or the RedisSubscriber's. Blocking I/O bounded by the timeouts in RedisOptions.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "persistence/redis_types.h"

struct redisContext;

namespace chuhe::persistence {

class RedisConnection {
 public:
  // Connects, applies the command timeout and AUTH. Returns nullptr and sets `error` on failure.
  static std::unique_ptr<RedisConnection> open(const RedisOptions& options, std::string& error);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command and waits for its reply. An I/O failure or timeout yields `unavailable`
  // and marks the connection broken (it must then be dropped: hiredis cannot recover it).
  RedisReply command(const std::vector<std::string>& args);
  // Pipelining: sends every command at once, then reads their replies in order (one round trip, and
  // with appendfsync always, one fsync can cover many writes). A failure answers that command and all
  // after it `unavailable` (whether Redis ran them is then unknown) and marks the connection broken.
  std::vector<RedisReply> pipeline(const std::vector<const std::vector<std::string>*>& commands);

  // True when the connection failed or the peer closed it. On an idle request/reply connection any
  // readable byte means the server closed it (Redis never speaks unasked), so this polls without waiting.
  bool broken();

  // For the subscriber's event loop: queue a command, write what is queued, read what has arrived,
  // and take the next complete reply. Each returns false on a connection failure.
  bool append(const std::vector<std::string>& args);
  bool flush();
  bool read_available();
  bool next_reply(std::optional<RedisReply>& reply);
  int fd() const;
  bool failed() const { return failed_; }

 private:
  explicit RedisConnection(redisContext* context) : context_(context) {}
  redisContext* context_;
  bool failed_ = false;
};

}  // namespace chuhe::persistence
