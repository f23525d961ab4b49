#include "server/guest_pruning.h"

#include <boost/asio/post.hpp>

#include "net/log.h"

namespace chuhe::server {

GuestPruning::GuestPruning(boost::asio::any_io_executor io, persistence::UserDirectory& users, std::chrono::seconds keep,
                           std::chrono::seconds interval)
    : users_(users), keep_(keep), interval_(interval), timer_(io) {}

void GuestPruning::start() {
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->prune_and_arm(); });
}

void GuestPruning::stop() {
  boost::asio::post(timer_.get_executor(), [self = shared_from_this()] { self->timer_.cancel(); });
}

void GuestPruning::prune_and_arm() {
  using namespace std::chrono;
  const auto cutoff = duration_cast<seconds>(system_clock::now().time_since_epoch() - keep_).count();
  users_.prune_guests(cutoff, [](long long deleted) {
    if (deleted > 0) net::log_info("users", "pruned " + std::to_string(deleted) + " expired guests");
    if (deleted < 0) net::log_warn("users", "pruning expired guests failed; will try again");
  });
  timer_.expires_after(interval_);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (auto self = weak.lock(); self && !ec) self->prune_and_arm();
  });
}

}  // namespace chuhe::server
