#include "server/game_channels.h"

#include <algorithm>
#include <charconv>

#include "server/remote_client.h"

namespace chuhe::server {

GameChannels::GameChannels(persistence::RedisClient& redis, persistence::RedisSubscriber& subscriber,
                           std::size_t max_watched)
    : redis_(redis), subscriber_(subscriber), max_watched_(max_watched) {}

void GameChannels::set_node_id(std::string node_id) { node_id_ = std::move(node_id); }

void GameChannels::publish(const std::string& game, const rooms::Message& message, const rooms::Client* except) {
  if (!message) return;
  std::string payload;
  if (const auto* remote = dynamic_cast<const RemoteClient*>(except)) {
    payload = remote->node() + "|" + std::to_string(remote->conn());
  }
  payload.reserve(payload.size() + 1 + message->size());
  payload += '\n';
  payload += *message;
  redis_.command({"PUBLISH", channel(game), std::move(payload)}, {});
}

// ---- On a spectator's node ----

void GameChannels::forward(std::uint64_t conn, Forward forward) {
  {
    std::lock_guard lock(mutex_);
    auto& c = conns_[conn];
    c.held.push_back({{}, std::move(forward)});
    if (c.running) return;  // the drain under way takes it
    c.running = true;
  }
  drain(conn);
}

bool GameChannels::watch(std::uint64_t conn, const std::shared_ptr<rooms::Client>& client, const std::string& game,
                         Forward forward) {
  {
    std::lock_guard lock(mutex_);
    auto& c = conns_[conn];
    if (!c.games.count(game) && c.games.size() >= max_watched_) return false;
    c.games.insert(game);
    auto [g, added] = games_.try_emplace(game);
    auto& w = g->second.watchers[conn];  // a second watch keeps `live`: the owner will not say "on" again
    w.client = client;
    if (added) {
      const std::uint64_t generation = g->second.generation = ++generation_;
      // Under the lock, as is every unsubscribe: a channel is subscribed exactly while games_ has the game,
      // so the subscriber has no handler for it here and cannot call `confirmed` at once (on this thread).
      std::weak_ptr<GameChannels> weak = weak_from_this();
      subscriber_.subscribe(
          channel(game),
          [weak, game](const std::string&, const std::string& payload) {
            if (auto self = weak.lock()) self->on_message(game, payload);
          },
          [weak, game, generation] {
            if (auto self = weak.lock()) self->on_confirmed(game, generation);
          });
    }
    c.held.push_back({game, std::move(forward)});
    if (c.running) return true;
    c.running = true;
  }
  drain(conn);
  return true;
}

// Forwards the held requests of `conn` in order, until none is left or the next is a watch whose channel
// is not confirmed yet (on_confirmed resumes it). Never holds the lock while forwarding: a request may
// be answered at once on this thread.
void GameChannels::drain(std::uint64_t conn) {
  for (;;) {
    Forward next;
    {
      std::lock_guard lock(mutex_);
      auto c = conns_.find(conn);
      if (c == conns_.end()) return;  // gone meanwhile
      auto& held = c->second.held;
      if (held.empty()) {
        c->second.running = false;
        return;
      }
      if (!held.front().watch.empty()) {
        auto g = games_.find(held.front().watch);
        // (No entry: unwatched before its turn; it goes to the owner all the same, as on one node.)
        if (g != games_.end() && !g->second.confirmed) {
          auto& waiting = g->second.waiting;
          if (std::find(waiting.begin(), waiting.end(), conn) == waiting.end()) waiting.push_back(conn);
          c->second.running = false;
          return;
        }
      }
      next = std::move(held.front().forward);
      held.pop_front();
    }
    next();
  }
}

void GameChannels::on_confirmed(const std::string& game, std::uint64_t generation) {
  std::vector<std::uint64_t> waiting;
  {
    std::lock_guard lock(mutex_);
    auto g = games_.find(game);
    if (g == games_.end() || g->second.generation != generation) return;  // dropped since
    g->second.confirmed = true;
    waiting = std::move(g->second.waiting);
    g->second.waiting.clear();
  }
  for (std::uint64_t conn : waiting) {
    {
      std::lock_guard lock(mutex_);
      auto c = conns_.find(conn);
      if (c == conns_.end() || c->second.running) continue;
      c->second.running = true;
    }
    drain(conn);
  }
}

bool GameChannels::remove(const std::string& game, std::uint64_t conn) {
  auto g = games_.find(game);
  if (g == games_.end()) return false;
  g->second.watchers.erase(conn);
  if (!g->second.watchers.empty()) return false;
  games_.erase(g);
  subscriber_.unsubscribe(channel(game));  // under the lock: see watch()
  return true;
}

void GameChannels::unwatch(std::uint64_t conn, const std::string& game) {
  std::lock_guard lock(mutex_);
  if (auto c = conns_.find(conn); c != conns_.end()) c->second.games.erase(game);
  remove(game, conn);
}

void GameChannels::watching(std::uint64_t conn, const std::string& game, bool on) {
  std::lock_guard lock(mutex_);
  auto g = games_.find(game);
  if (g == games_.end()) return;
  auto w = g->second.watchers.find(conn);
  if (w != g->second.watchers.end()) w->second.live = on;  // else: it unwatched meanwhile
}

void GameChannels::gone(std::uint64_t conn) {
  std::lock_guard lock(mutex_);
  auto c = conns_.find(conn);
  if (c == conns_.end()) return;
  for (const auto& game : c->second.games) remove(game, conn);
  conns_.erase(c);
}

std::size_t GameChannels::games() const {
  std::lock_guard lock(mutex_);
  return games_.size();
}

std::vector<std::shared_ptr<rooms::Client>> GameChannels::watchers_of(const std::string& game) const {
  std::vector<std::shared_ptr<rooms::Client>> out;
  std::lock_guard lock(mutex_);
  if (auto g = games_.find(game); g != games_.end())
    for (const auto& [conn, watcher] : g->second.watchers)
      if (auto client = watcher.client.lock()) out.push_back(std::move(client));
  return out;
}

std::vector<std::shared_ptr<rooms::Client>> GameChannels::take_watchers(const std::string& game) {
  std::vector<std::shared_ptr<rooms::Client>> out;
  std::lock_guard lock(mutex_);
  auto g = games_.find(game);
  if (g == games_.end()) return out;
  std::vector<std::uint64_t> conns;
  for (const auto& [conn, watcher] : g->second.watchers) {
    conns.push_back(conn);
    if (auto client = watcher.client.lock()) out.push_back(std::move(client));
  }
  for (std::uint64_t conn : conns) {
    if (auto c = conns_.find(conn); c != conns_.end()) c->second.games.erase(game);
    remove(game, conn);  // the last one erases the game and unsubscribes
  }
  return out;
}

// Runs on the subscriber thread: one buffer for every local spectator of the game.
void GameChannels::on_message(const std::string& game, const std::string& payload) {
  const auto newline = payload.find('\n');
  if (newline == std::string::npos) return;
  std::uint64_t except = 0;  // connection ids start at 1
  if (const auto bar = payload.find('|'); bar < newline && payload.compare(0, bar, node_id_) == 0)
    std::from_chars(payload.data() + bar + 1, payload.data() + newline, except);
  std::vector<std::shared_ptr<rooms::Client>> to;
  {
    std::lock_guard lock(mutex_);
    auto g = games_.find(game);
    if (g == games_.end()) return;
    for (const auto& [conn, watcher] : g->second.watchers)
      if (watcher.live && conn != except)
        if (auto client = watcher.client.lock()) to.push_back(std::move(client));
  }
  if (to.empty()) return;
  rooms::Message message = rooms::make_message(payload.substr(newline + 1));
  for (const auto& client : to) client->send(message, rooms::Audience::spectator);
}

}  // namespace chuhe::server
