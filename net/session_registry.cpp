#include "net/session_registry.h"

#include <algorithm>

namespace chuhe::net {

void SessionRegistry::add(const std::shared_ptr<rooms::Client>& client) {
  std::lock_guard lock(mutex_);
  by_session_[client->session_id()].push_back(client);
}

void SessionRegistry::remove(const rooms::Client* client) {
  std::lock_guard lock(mutex_);
  auto it = by_session_.find(client->session_id());
  if (it == by_session_.end()) return;
  auto& list = it->second;
  std::erase_if(list, [client](const std::weak_ptr<rooms::Client>& weak) {
    auto strong = weak.lock();
    return !strong || strong.get() == client;
  });
  if (list.empty()) by_session_.erase(it);
}

std::size_t SessionRegistry::close_session(const std::string& session_id, int code, std::string_view reason) {
  std::vector<std::shared_ptr<rooms::Client>> targets;
  {
    std::lock_guard lock(mutex_);
    auto it = by_session_.find(session_id);
    if (it == by_session_.end()) return 0;
    for (auto& weak : it->second)
      if (auto strong = weak.lock()) targets.push_back(std::move(strong));
  }
  // Close outside the lock: close() posts to each connection's strand.
  for (auto& client : targets) client->close(code, reason);
  return targets.size();
}

std::size_t SessionRegistry::close_all(int code, std::string_view reason) {
  std::vector<std::shared_ptr<rooms::Client>> targets;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, list] : by_session_)
      for (auto& weak : list)
        if (auto strong = weak.lock()) targets.push_back(std::move(strong));
  }
  for (auto& client : targets) client->close(code, reason);
  return targets.size();
}

std::vector<std::string> SessionRegistry::session_ids() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  ids.reserve(by_session_.size());
  for (const auto& [id, list] : by_session_) ids.push_back(id);
  return ids;
}

std::size_t SessionRegistry::size() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, list] : by_session_) n += list.size();
  return n;
}

}  // namespace chuhe::net
