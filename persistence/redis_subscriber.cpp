#include "persistence/redis_subscriber.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <utility>
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

void RedisSubscriber::subscribe(const std::string& channel, Handler handler, std::function<void()> confirmed) {
  bool now = false;
  {
    std::lock_guard lock(mutex_);
    auto& list = handlers_[channel];
    if (list.empty()) {
      ready_.store(false, std::memory_order_release);
      if (!confirmed) ready_pending_ = true;
    }
    list.push_back(std::move(handler));
    if (confirmed) {
      if (confirmed_.count(channel)) now = true;
      else waiting_[channel].push_back(std::move(confirmed));
    }
  }
  if (now) confirmed();
  wake();
}

void RedisSubscriber::unsubscribe(const std::string& channel) {
  {
    std::lock_guard lock(mutex_);
    if (handlers_.erase(channel) == 0) return;
    waiting_.erase(channel);
    confirmed_.erase(channel);
    dropped_.insert(channel);
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
  {
    std::lock_guard lock(mutex_);
    confirmed_.clear();  // a new connection: nothing is subscribed on it yet
    dropped_.clear();
    ready_pending_ = true;
  }
  // What this connection was asked: channels whose latest command was SUBSCRIBE, and per channel the
  // commands Redis has not answered yet (true: SUBSCRIBE), so that a channel dropped and taken again is
  // only confirmed by the reply to the latest SUBSCRIBE.
  std::set<std::string> requested;
  std::map<std::string, std::deque<bool>> in_flight;

  // Brings the connection in line with handlers_: UNSUBSCRIBE what was dropped (also what was dropped and
  // taken again since: its new `confirmed` waits for a new SUBSCRIBE), then SUBSCRIBE what is new.
  auto subscribe_new = [&]() -> bool {
    std::vector<std::string> drop{"UNSUBSCRIBE"}, add{"SUBSCRIBE"};
    {
      std::lock_guard lock(mutex_);
      for (const auto& channel : requested)
        if (!handlers_.count(channel) || dropped_.count(channel)) drop.push_back(channel);
      dropped_.clear();
      for (std::size_t i = 1; i < drop.size(); ++i) requested.erase(drop[i]);
      for (const auto& [channel, list] : handlers_)
        if (!requested.count(channel)) add.push_back(channel);
    }
    for (std::size_t i = 1; i < drop.size(); ++i) in_flight[drop[i]].push_back(false);
    for (std::size_t i = 1; i < add.size(); ++i) {
      requested.insert(add[i]);
      in_flight[add[i]].push_back(true);
    }
    if (drop.size() > 1 && !connection.append(drop)) return false;
    if (add.size() > 1 && !connection.append(add)) return false;
    return add.size() == 1 && drop.size() == 1 ? true : connection.flush();
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
      return;
    }
    if (kind != "subscribe" && kind != "unsubscribe") return;
    auto flight = in_flight.find(channel);
    if (flight != in_flight.end()) {
      flight->second.pop_front();
      if (flight->second.empty()) in_flight.erase(flight);
    }
    if (kind != "subscribe" || in_flight.count(channel) || !requested.count(channel)) return;
    std::vector<std::function<void()>> confirmed;
    std::function<void()> callback;
    {
      std::lock_guard lock(mutex_);
      if (!handlers_.count(channel)) return;
      confirmed_.insert(channel);
      if (auto w = waiting_.find(channel); w != waiting_.end()) {
        confirmed = std::move(w->second);
        waiting_.erase(w);
      }
      const bool all = std::all_of(handlers_.begin(), handlers_.end(),
                                   [&](const auto& entry) { return confirmed_.count(entry.first) != 0; });
      if (all) {
        ready_.store(true, std::memory_order_release);
        if (std::exchange(ready_pending_, false)) callback = on_ready_;
      }
    }
    for (auto& c : confirmed) c();
    if (callback) callback();
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
