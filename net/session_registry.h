#pragma once
// The open WebSocket connections of each login session (JWT id), so that a logout or revocation,
// heard from Redis on any node, closes them all.
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "rooms/client.h"

namespace chuhe::net {

class SessionRegistry {
 public:
  void add(const std::shared_ptr<rooms::Client>& client);
  void remove(const rooms::Client* client);
  // Closes every connection of `session_id` with `code`; returns how many there were.
  std::size_t close_session(const std::string& session_id, int code, std::string_view reason);
  // Closes every connection (graceful drain); returns how many there were.
  std::size_t close_all(int code, std::string_view reason);
  std::size_t size() const;
  // The sessions that have an open connection now (for the periodic check that they still exist).
  std::vector<std::string> session_ids() const;

 private:
  mutable std::mutex mutex_;  // taken briefly on connect, disconnect and revocation only
  std::unordered_map<std::string, std::vector<std::weak_ptr<rooms::Client>>> by_session_;
};

}  // namespace chuhe::net
