#include "persistence/redis_subscriber.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <stdexcept>

#include "persistence/redis_connection.h"

namespace chuhe::persistence {
namespace {

using Clock = std::chrono::steady_clock;

// A silent connection is probed with PING this often; no answer within the command timeout means it is
// dead even if TCP has not noticed (a paused or partitioned Redis).
constexpr auto kPingEvery = std::chrono::milliseconds(1000);

int millis_until(Clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, 60'000));
}

}  // namespace

RedisSubscriber::RedisSubscriber(RedisOptions options) : options_(std::move(options)) {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw std::runtime_error("RedisSubscriber: eventfd failed");
  thread_ = std::thread([this] { run(); });
}

RedisSubscriber::~RedisSubscriber() {
  stopping_.store(true);
  wake();
  thread_.join();
  ::close(wake_fd_);
}

void RedisSubscriber::wake() {
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);  // a full counter still wakes
}

void RedisSubscriber::subscribe(const std::string& channel, Handler handler) {
  {
    std::lock_guard lock(mutex_);
    auto& list = handlers_[channel];
    if (list.empty()) {
      pending_.push_back(channel);
      ready_.store(false, std::memory_order_release);
    }
    list.push_back(std::move(handler));
  }
  wake();
}

void RedisSubscriber::on_ready(std::function<void()> callback) {
  std::lock_guard lock(mutex_);
  on_ready_ = std::move(callback);
}

void RedisSubscriber::run() {
  int backoff_ms = 0;
  while (!stopping_.load()) {
    std::string error;
    auto connection = RedisConnection::open(options_, error);
    if (connection) {
      backoff_ms = 0;
      serve_connection(*connection);
      ready_.store(false, std::memory_order_release);
      continue;  // reconnect at once; failures from here on back off
    }
    backoff_ms = backoff_ms == 0 ? options_.backoff_initial_ms : std::min(backoff_ms * 2, options_.backoff_max_ms);
    pollfd p{wake_fd_, POLLIN, 0};
    if (::poll(&p, 1, backoff_ms) > 0) {
      std::uint64_t count;
      [[maybe_unused]] auto n = ::read(wake_fd_, &count, sizeof count);
    }
  }
}

// Runs the pub/sub loop on one connection until it fails or the subscriber stops.
bool RedisSubscriber::serve_connection(RedisConnection& connection) {
  std::set<std::string> requested;  // SUBSCRIBE sent on this connection
  std::set<std::string> confirmed;  // acknowledged by Redis

  auto subscribe_new = [&]() -> bool {
    std::vector<std::string> args{"SUBSCRIBE"};
    {
      std::lock_guard lock(mutex_);
      pending_.clear();
      for (const auto& [channel, list] : handlers_) {
        if (requested.insert(channel).second) args.push_back(channel);
      }
    }
    if (args.size() == 1) return true;
    return connection.append(args) && connection.flush();
  };

  auto on_reply = [&](const RedisReply& reply) {
    if (!reply.is_array() || reply.elements.size() < 3 || !reply.elements[0].is_string()) return;
    const std::string& kind = reply.elements[0].text;
    const std::string& channel = reply.elements[1].text;
    if (kind == "message") {
      std::vector<Handler> handlers;
      {
        std::lock_guard lock(mutex_);
        auto it = handlers_.find(channel);
        if (it != handlers_.end()) handlers = it->second;
      }
      for (auto& h : handlers) h(channel, reply.elements[2].text);
    } else if (kind == "subscribe") {
      confirmed.insert(channel);
      std::function<void()> callback;
      {
        std::lock_guard lock(mutex_);
        bool all = std::all_of(handlers_.begin(), handlers_.end(),
                               [&](const auto& entry) { return confirmed.count(entry.first) != 0; });
        if (!all) return;
        callback = on_ready_;
      }
      ready_.store(true, std::memory_order_release);
      if (callback) callback();
    }
  };

  if (!subscribe_new()) return false;
  auto last_heard = Clock::now();
  std::optional<Clock::time_point> ping_sent;

  while (!stopping_.load()) {
    auto deadline = ping_sent ? *ping_sent + std::chrono::milliseconds(options_.command_timeout_ms)
                              : last_heard + kPingEvery;
    pollfd fds[2] = {{connection.fd(), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int n = ::poll(fds, 2, millis_until(deadline));
    if (n < 0) continue;  // EINTR
    if (fds[1].revents != 0) {
      std::uint64_t count;
      [[maybe_unused]] auto r = ::read(wake_fd_, &count, sizeof count);
      if (stopping_.load()) break;
      if (!subscribe_new()) return false;
    }
    if (fds[0].revents != 0) {
      if (!connection.read_available()) return false;
      last_heard = Clock::now();
      ping_sent.reset();
      std::optional<RedisReply> reply;
      while (connection.next_reply(reply) && reply) on_reply(*reply);
      if (connection.failed()) return false;
    } else if (n == 0) {
      if (ping_sent) return false;  // no answer to our PING: the connection is dead
      if (!connection.append({"PING"}) || !connection.flush()) return false;
      ping_sent = Clock::now();
    }
  }
  return true;
}

}  // namespace chuhe::persistence
