#pragma once
// What every connection needs to reach: config, services, counters. Built once by the composition root
// (server/) and shared by pointer; nothing here is owned by a session.
#include <atomic>
#include <functional>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "net/net_config.h"
#include "net/router.h"
#include "net/session_registry.h"
#include "rooms/client.h"

namespace chuhe::net {

struct NetCounters {
  std::atomic<long> http_connections{0};   // HTTP connections open (before any upgrade)
  std::atomic<long> ws_connections{0};     // WebSocket connections open
  std::atomic<long> http_requests{0};      // HTTP requests answered
  std::atomic<long> ws_messages_in{0};     // WebSocket messages read
  std::atomic<long> ws_dropped_slow{0};    // connections closed because their send queue overflowed
};

// The answer to "who holds this token?", for the WebSocket upgrade.
struct AuthOutcome {
  enum class Kind { ok, refused, unavailable };
  Kind kind = Kind::refused;
  rooms::User user;        // when ok
  std::string session_id;  // when ok: the token's jti
  std::string message;     // when refused or unavailable: why
};
// Checks a token (signature, times, session in Redis); calls `done` once, from any thread.
using Authenticate = std::function<void(std::string token, std::function<void(AuthOutcome)> done)>;

struct ServerContext {
  NetConfig config;
  NetCounters counters;
  std::atomic<bool> draining{false};  // set on SIGTERM: /healthz answers 503, no new upgrades

  // Health of each dependency, e.g. {"redis","up"}; filled in by the composition root.
  std::function<std::string()> health_json;
  // More Prometheus text from the layers above net/ (games, AI, journal), appended to /metrics.
  std::function<std::string()> extra_metrics;

  Authenticate authenticate;  // unset: every upgrade is answered 503
  SessionRegistry sessions;    // open WebSocket connections by login session, for revocation

  // Takes over a connection that asked to upgrade on /ws (with any bytes already read after the request).
  std::function<void(boost::beast::tcp_stream, Request, RequestInfo, boost::beast::flat_buffer)> on_upgrade;
};

}  // namespace chuhe::net
