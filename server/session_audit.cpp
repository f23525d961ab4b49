#include "server/session_audit.h"

#include <boost/asio/post.hpp>

#include "net/log.h"
#include "rooms/client.h"

namespace chuhe::server {

namespace {
constexpr std::size_t kBatch = 512;  // keys per MGET: one round trip, a bounded reply
}

SessionAudit::SessionAudit(boost::asio::any_io_executor io, net::SessionRegistry& registry,
                           persistence::SessionStore& sessions, std::chrono::seconds interval)
    : registry_(registry), sessions_(sessions), interval_(interval), timer_(io) {}

void SessionAudit::start() {
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->arm(); });
}

void SessionAudit::stop() {
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

void SessionAudit::arm() {
  timer_.expires_after(interval_);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    self->check_now();
    self->arm();
  });
}

void SessionAudit::check_now() {
  std::vector<std::string> ids = registry_.session_ids();
  for (std::size_t first = 0; first < ids.size(); first += kBatch) {
    std::vector<std::string> batch(ids.begin() + static_cast<std::ptrdiff_t>(first),
                                   ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), first + kBatch)));
    std::weak_ptr<SessionAudit> weak = weak_from_this();
    sessions_.find_gone(std::move(batch), [weak](bool ok, std::vector<std::string> gone) {
      auto self = weak.lock();
      if (!ok || !self) return;  // Redis unreachable: nothing is known to be gone
      for (const auto& jti : gone) {
        if (self->registry_.close_session(jti, rooms::kCloseRevoked, "session expired or revoked") > 0)
          net::log_info("auth", "closed the sockets of a session that no longer exists");
      }
    });
  }
}

}  // namespace chuhe::server
