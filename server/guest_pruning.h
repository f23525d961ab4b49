#pragma once
// Guests are stored as users so that games and ratings can name them, but a guest cannot log in: once
// its token has expired, nobody can ever be that guest again. Every hour the rows of such guests are
// deleted (their games keep the players as they were), so a busy server's users table does not grow
// with every visitor for ever. The delete runs on the archive's DB thread; the io thread only arms the
// timer.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "persistence/user_directory.h"

namespace chuhe::server {

class GuestPruning : public std::enable_shared_from_this<GuestPruning> {
 public:
  // Guests older than `keep` (their token lifetime plus the leeway) are deleted every `interval`.
  GuestPruning(boost::asio::any_io_executor io, persistence::UserDirectory& users, std::chrono::seconds keep,
               std::chrono::seconds interval = std::chrono::hours(1));
  void start();  // prunes once at once, then every interval
  void stop();

 private:
  void prune_and_arm();

  persistence::UserDirectory& users_;
  const std::chrono::seconds keep_;
  const std::chrono::seconds interval_;
  boost::asio::steady_timer timer_;
};

}  // namespace chuhe::server
