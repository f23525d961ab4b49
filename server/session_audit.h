#pragma once
// Closes the sockets of sessions that no longer exist. Logout reaches every node at once through
// Redis pub/sub, but pub/sub loses what is published while a node's subscription is down, and a
// token's expiry publishes nothing. So every `interval`, and each time the subscription comes back,
// the open sockets' sessions are looked up (one MGET per batch, on the Redis client's thread: the io
// threads only arm the timer) and those gone are closed with 4001.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "net/session_registry.h"
#include "persistence/session_store.h"

namespace chuhe::server {

class SessionAudit : public std::enable_shared_from_this<SessionAudit> {
 public:
  SessionAudit(boost::asio::any_io_executor io, net::SessionRegistry& registry, persistence::SessionStore& sessions,
               std::chrono::seconds interval);

  void start();  // the periodic check
  void stop();
  void check_now();  // from any thread (e.g. the subscriber's on_ready)

 private:
  void arm();

  net::SessionRegistry& registry_;
  persistence::SessionStore& sessions_;
  const std::chrono::seconds interval_;
  boost::asio::steady_timer timer_;
};

}  // namespace chuhe::server
