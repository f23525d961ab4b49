#include "persistence/redis_client.h"

#include <algorithm>
#include <vector>

#include "persistence/redis_connection.h"

namespace chuhe::persistence {

using Clock = std::chrono::steady_clock;

RedisClient::RedisClient(RedisOptions options)
    : options_(std::move(options)), thread_([this] { run(); }) {}

RedisClient::~RedisClient() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RedisClient::command(std::vector<std::string> args, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < options_.queue_limit) {
      queue_.push_back(Request{std::move(args), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  if (done) done(RedisReply::unavailable_because("redis client queue full or stopping"));
}

void RedisClient::try_connect() {
  std::string error;
  connection_ = RedisConnection::open(options_, error);
  if (connection_) {
    backoff_ms_ = 0;
    connected_.store(true, std::memory_order_release);
    return;
  }
  // Back off: first retry soon, then doubling up to the cap, so a restarted Redis is found within ~1 s
  // without hammering a dead one.
  backoff_ms_ = backoff_ms_ == 0 ? options_.backoff_initial_ms
                                 : std::min(backoff_ms_ * 2, options_.backoff_max_ms);
  next_attempt_ = Clock::now() + std::chrono::milliseconds(backoff_ms_);
}

void RedisClient::drop_connection() {
  connection_.reset();
  connected_.store(false, std::memory_order_release);
  // The first reconnect after losing a working connection is immediate; failures then back off.
  next_attempt_ = Clock::now();
}

void RedisClient::run() {
  std::deque<Request> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      auto ready = [&] { return stopping_ || !queue_.empty(); };
      if (connection_) {
        wake_.wait_for(lock, std::chrono::milliseconds(options_.health_check_ms), ready);
      } else {
        wake_.wait_until(lock, next_attempt_, ready);
      }
      if (stopping_) {
        batch.swap(queue_);
        break;
      }
      batch.swap(queue_);
    }

    if (connection_ && connection_->broken()) drop_connection();
    if (!connection_ && Clock::now() >= next_attempt_) try_connect();

    // Everything queued goes out pipelined, in chunks: one round trip per chunk instead of one per
    // command, so many games' journal writes share Redis's fsyncs. Order is kept (one connection, FIFO).
    constexpr std::size_t kChunk = 256;
    std::vector<const std::vector<std::string>*> chunk;
    for (std::size_t first = 0; first < batch.size(); first += kChunk) {
      const std::size_t last = std::min(batch.size(), first + kChunk);
      if (connection_ && connection_->broken()) drop_connection();
      if (!connection_ && Clock::now() >= next_attempt_) try_connect();
      std::vector<RedisReply> replies;
      if (connection_) {
        chunk.clear();
        for (std::size_t i = first; i < last; ++i) chunk.push_back(&batch[i].args);
        replies = connection_->pipeline(chunk);
        if (connection_->failed()) drop_connection();
      } else {
        replies.assign(last - first, RedisReply::unavailable_because("redis not connected"));
      }
      for (std::size_t i = first; i < last; ++i)
        if (batch[i].done) batch[i].done(std::move(replies[i - first]));
    }
    batch.clear();
  }

  connection_.reset();
  connected_.store(false, std::memory_order_release);
  for (auto& request : batch) {
    if (request.done) request.done(RedisReply::unavailable_because("redis client stopped"));
  }
}

}  // namespace chuhe::persistence
