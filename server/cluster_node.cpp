#include "server/cluster_node.h"

#include <boost/asio/post.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>
#include <unistd.h>

#include "net/log.h"
#include "rooms/protocol_out.h"
#include "server/recovery.h"

namespace chuhe::server {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

constexpr const char* kInboxPrefix = "chuhe:node:";
// A node that took a game over says so here ({"game","owner","players"}): every node then has its local
// players of the game `resume` it and its spectators `watch` it again (their sockets outlived the old owner).
constexpr const char* kTakeoverChannel = "chuhe:takeover";
// The live list: each node's summary (its Hub's live_games_json()) under kLivePrefix + node id, expiring
// unless rewritten; kLiveNodes is a sorted set of the node ids that wrote one, scored by when they last did
// (Unix ms), so readers know which keys to fetch. A node silent for a minute is dropped from it.
constexpr const char* kLivePrefix = "chuhe:live:";
constexpr const char* kLiveNodes = "chuhe:live-nodes";
constexpr std::chrono::milliseconds kLiveEvery{1000};
constexpr std::chrono::milliseconds kLiveTtl{3000};
constexpr std::int64_t kLiveForgetMs = 60'000;

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::optional<rooms::User> user_from(const json& j) {
  if (!j.is_object()) return std::nullopt;
  rooms::User u;
  u.id = j.value("id", "");
  u.name = j.value("name", "");
  u.guest = j.value("guest", true);
  u.rating = j.value("rating", 1500);
  if (u.id.empty()) return std::nullopt;
  return u;
}

// What a seek carries through the shared lobby for the node that pairs it.
std::string seek_payload(std::uint64_t conn, const rooms::User& user, const std::string& session) {
  json j{{"conn", conn},
         {"user", {{"id", user.id}, {"name", user.name}, {"guest", user.guest}, {"rating", user.rating}}},
         {"session", session}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A blocking command, for startup only.
std::optional<persistence::RedisReply> command_sync(persistence::RedisClient& redis, std::vector<std::string> args) {
  auto promise = std::make_shared<std::promise<persistence::RedisReply>>();
  auto future = promise->get_future();
  redis.command(std::move(args), [promise](persistence::RedisReply reply) { promise->set_value(std::move(reply)); });
  if (future.wait_for(std::chrono::seconds(3)) != std::future_status::ready) return std::nullopt;
  return future.get();
}

}  // namespace

std::string default_node_id(const std::string& listen_address, unsigned short port) {
  std::string host = listen_address;
  if (host.empty() || host == "0.0.0.0" || host == "::") {
    char name[256] = {};
    host = gethostname(name, sizeof name - 1) == 0 && name[0] ? name : "localhost";
  }
  return host + ":" + std::to_string(port);
}

ClusterNode::ClusterNode(asio::any_io_executor io, persistence::RedisClient& redis,
                         persistence::RedisSubscriber& subscriber, std::chrono::milliseconds lease,
                         std::shared_ptr<persistence::GameJournal> archive, std::size_t max_watched_games)
    : io_(io),
      strand_(asio::make_strand(io)),
      renew_timer_(strand_),
      scan_timer_(strand_),
      live_timer_(strand_),
      redis_(redis),
      subscriber_(subscriber),
      lease_ms_(lease),
      lease_(std::make_shared<persistence::GameLease>(redis)),
      // Finished games are kept: Redis is the cluster's archive.
      redis_journal_(std::make_shared<persistence::RedisJournal>(
          redis, persistence::RedisJournalOptions{persistence::ClusterKeys{}, std::chrono::milliseconds(0)})),
      lobby_(std::make_shared<persistence::ClusterLobby>(redis)),
      journal_(std::make_shared<RedisGameJournal>(lease_, redis_journal_, std::string{}, lease,
                                                  std::move(archive))),
      channels_(std::make_shared<GameChannels>(redis, subscriber, max_watched_games)),
      history_(std::make_shared<persistence::RedisGameArchive>(redis, persistence::ClusterKeys{}, nullptr)) {}

ClusterNode::~ClusterNode() { stop(); }

std::string ClusterNode::start(const std::shared_ptr<rooms::Hub>& hub, std::string node_id) {
  node_id_ = std::move(node_id);
  if (node_id_.empty() || node_id_.find('|') != std::string::npos) return "cluster: bad node id '" + node_id_ + "'";
  journal_->set_node_id(node_id_);
  channels_->set_node_id(node_id_);
  hub_ = hub;
  std::weak_ptr<ClusterNode> weak = weak_from_this();

  // Durability of the Redis journal rests on the Redis server's own settings: say so if they are off.
  auto aof = command_sync(redis_, {"CONFIG", "GET", "appendonly"});
  auto fsync = command_sync(redis_, {"CONFIG", "GET", "appendfsync"});
  auto value = [](const std::optional<persistence::RedisReply>& r) -> std::string {
    return r && r->is_array() && r->elements.size() == 2 ? r->elements[1].text : "?";
  };
  if (value(aof) != "yes" || value(fsync) != "always")
    net::log_warn("cluster", "redis runs with appendonly " + value(aof) + ", appendfsync " + value(fsync) +
                                 ": moves acknowledged may be lost if it crashes (want yes / always)");

  redis_journal_->on_fenced([weak](const std::string& game_id) {
    if (auto self = weak.lock()) self->lost(game_id, 0);
  });
  const std::string inbox = kInboxPrefix + node_id_;
  subscriber_.subscribe(inbox, [weak](const std::string&, const std::string& message) {
    if (auto self = weak.lock()) self->on_inbox(message);
  });
  subscriber_.subscribe(kTakeoverChannel, [weak](const std::string&, const std::string& message) {
    if (auto self = weak.lock()) self->on_takeover(message);
  });
  lobby_->on_paired(subscriber_, [weak](const persistence::ClusterPairing& pairing) {
    auto self = weak.lock();
    if (!self) return;
    // A seek of ours taken by another node's script: it no longer waits.
    for (const auto* s : {&pairing.first, &pairing.second}) {
      if (s->node_id != self->node_id_) continue;
      auto payload = json::parse(s->payload, nullptr, false);
      if (!payload.is_object()) continue;
      std::lock_guard lock(self->mutex_);
      auto it = self->locals_.find(payload.value("conn", std::uint64_t{0}));
      if (it != self->locals_.end() && it->second.seek == s->id) it->second.seek.clear();
    }
  });
  // Requests may only be routed here once Redis delivers our inbox: publish to it until someone listens.
  bool listening = false;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       !listening && std::chrono::steady_clock::now() < deadline;) {
    auto reply = command_sync(redis_, {"PUBLISH", inbox, "{}"});
    listening = reply && reply->is_integer() && reply->integer > 0;
    if (!listening) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (!listening) net::log_warn("cluster", "the inbox " + inbox + " is not subscribed yet (is redis up?)");
  if (auto reply = command_sync(redis_, {"PUBLISH", inbox, "{}"}); reply && reply->is_integer() && reply->integer > 1)
    net::log_warn("cluster", "another process listens on " + inbox + ": is node id " + node_id_ + " used twice?");

  hub->set_remote_router(shared_from_this());
  asio::post(strand_, [self = shared_from_this()] {
    self->every(self->renew_timer_, std::max(self->lease_ms_ / 3, std::chrono::milliseconds(50)), &ClusterNode::renew);
    self->scan_orphans();
    self->every(self->scan_timer_, std::max(self->lease_ms_ / 2, std::chrono::milliseconds(50)),
                &ClusterNode::scan_orphans);
    self->publish_live();
    self->every(self->live_timer_, kLiveEvery, &ClusterNode::publish_live);
  });
  net::log_info("cluster", "node " + node_id_ + " joined, lease " + std::to_string(lease_ms_.count()) + " ms");
  return {};
}

void ClusterNode::release_all() {
  for (const auto& [game, holder] : journal_->holders()) {
    journal_->forget(game);
    lease_->release(game, holder, {});
  }
  // Our games go to other nodes (they list them from their next summary) and our users are leaving.
  live_off_ = true;
  redis_.command({"DEL", kLivePrefix + node_id_}, {});
  redis_.command({"ZREM", kLiveNodes, node_id_}, {});
}

void ClusterNode::stop() {
  {
    std::lock_guard gate(gate_);
    stopped_ = true;
  }
  journal_->close();
}

std::string ClusterNode::metrics_text() const {
  std::size_t proxies = 0;
  {
    std::lock_guard lock(mutex_);
    proxies = proxies_.size();
  }
  const auto writes = redis_journal_->stats();
  std::string out;
  auto gauge = [&](const char* name, const char* help, std::uint64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " +
           std::to_string(value) + "\n";
  };
  gauge("chuhe_cluster_owned_games", "games whose lease this node holds", journal_->holders().size());
  gauge("chuhe_cluster_game_channels", "game channels subscribed for this node's spectators", channels_->games());
  gauge("chuhe_cluster_remote_clients", "connections of other nodes served by this node's games", proxies);
  out += "# HELP chuhe_cluster_journal_writes_total writes to the Redis move journal, by outcome\n"
         "# TYPE chuhe_cluster_journal_writes_total counter\n";
  for (const auto& [outcome, count] : {std::pair{"durable", writes.durable}, std::pair{"fenced", writes.fenced},
                                       std::pair{"rejected", writes.rejected},
                                       std::pair{"unavailable", writes.unavailable}})
    out += std::string("chuhe_cluster_journal_writes_total{outcome=\"") + outcome + "\"} " + std::to_string(count) + "\n";
  return out;
}

// Runs `tick` every `period` on the strand, until the node stops (or its Hub is gone).
void ClusterNode::every(asio::steady_timer& timer, std::chrono::milliseconds period, void (ClusterNode::*tick)()) {
  timer.expires_after(period);
  timer.async_wait([weak = weak_from_this(), &timer, period, tick](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    {
      std::lock_guard gate(self->gate_);
      if (self->stopped_ || self->hub_.expired()) return;
    }
    (self.get()->*tick)();
    self->every(timer, period, tick);
  });
}

std::shared_ptr<rooms::Hub> ClusterNode::hub_if_running() { return stopped_ ? nullptr : hub_.lock(); }

// ---- Routing ----

std::uint64_t ClusterNode::local_id(const std::shared_ptr<rooms::Client>& client) {
  auto [it, added] = local_ids_.try_emplace(client.get(), next_conn_);
  if (added) {
    ++next_conn_;
    locals_[it->second].client = client;
  }
  return it->second;
}

void ClusterNode::publish(const std::string& node, std::string payload) {
  redis_.command({"PUBLISH", kInboxPrefix + node, std::move(payload)}, {});
}

bool ClusterNode::route(const std::shared_ptr<rooms::Client>& client, const rooms::ClientRequest& request,
                        const std::string& game) {
  if (dynamic_cast<const RemoteClient*>(client.get())) return false;  // never forwarded twice
  auto text = request_text(request);
  if (!text) return false;
  const bool watch = std::holds_alternative<rooms::in::Watch>(request.message);
  std::uint64_t conn;
  {
    std::lock_guard lock(mutex_);
    conn = local_id(client);
  }
  std::weak_ptr<ClusterNode> weak = weak_from_this();
  // The owner lookup, then the PUBLISH to its inbox: run now, or after this connection's held requests.
  auto forward = [weak, client, conn, game, watch, text = std::move(*text), id = request.id]() mutable {
    auto self = weak.lock();
    if (!self) return;
    self->lease_->owner(game, [weak, client, conn, game, watch, text = std::move(text),
                               id = std::move(id)](std::optional<persistence::LeaseHolder> owner) mutable {
      auto self = weak.lock();
      if (!self) return;
      if (!owner || owner->node_id == self->node_id_) {
        // Nobody runs it (unknown, finished, or between two owners after a node died: try again shortly).
        if (watch) self->channels_->unwatch(conn, game);
        client->send(rooms::make_message(rooms::write_error("not_found", "no such game", id)),
                     rooms::Audience::player);
        return;
      }
      std::lock_guard lock(self->mutex_);
      auto it = self->locals_.find(conn);
      if (it == self->locals_.end()) return;  // the connection went meanwhile: its detach is on its way
      it->second.owners.insert(owner->node_id);
      // Under the lock, so that a later detach of this connection is published after this request.
      self->redis_.command({"PUBLISH", kInboxPrefix + owner->node_id,
                            inbox_request(self->node_id_, conn, client->user(), client->session_id(), text)},
                           [client, id](persistence::RedisReply reply) {
                             if (reply.is_integer() && reply.integer > 0) return;
                             client->send(rooms::make_message(rooms::write_error(
                                              "unavailable", "the game's node does not answer: resume shortly", id)),
                                          rooms::Audience::player);
                           });
    });
  };
  if (watch) {
    if (!channels_->watch(conn, client, game, std::move(forward)))
      client->send(rooms::make_message(rooms::write_error("rate_limited", "watching too many games", request.id)),
                   rooms::Audience::player);
    return true;
  }
  if (std::holds_alternative<rooms::in::Unwatch>(request.message)) channels_->unwatch(conn, game);
  channels_->forward(conn, std::move(forward));
  return true;
}

void ClusterNode::disconnected(const std::shared_ptr<rooms::Client>& client) {
  if (dynamic_cast<const RemoteClient*>(client.get())) return;
  std::string seek;
  std::unordered_set<std::string> owners;
  std::uint64_t conn = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = local_ids_.find(client.get());
    if (it == local_ids_.end()) return;
    conn = it->second;
    local_ids_.erase(it);
    if (auto l = locals_.find(conn); l != locals_.end()) {
      seek = std::move(l->second.seek);
      owners = std::move(l->second.owners);
      locals_.erase(l);
    }
    // Published under the lock: after every request of this connection (see route).
    for (const auto& node : owners) publish(node, inbox_detach(node_id_, conn));
  }
  channels_->gone(conn);
  if (!seek.empty()) lobby_->cancel_seek(seek, {});
}

std::shared_ptr<RemoteClient> ClusterNode::proxy(const std::string& node, std::uint64_t conn, const rooms::User& user,
                                                 const std::string& session) {
  std::shared_ptr<RemoteClient> client;
  bool added = false;
  {
    std::lock_guard lock(mutex_);
    auto& slot = proxies_[{node, conn}];
    if (!slot) {
      std::weak_ptr<ClusterNode> weak = weak_from_this();
      // A message that no node receives means the connection's node is gone (it died, or lost Redis):
      // the proxy is detached, so a seat left without connections starts its reconnect grace.
      slot = std::make_shared<RemoteClient>(
          node_id_, node, conn, user, session, [weak, conn](const std::string& to, std::string payload) {
            auto self = weak.lock();
            if (!self) return;
            self->redis_.command({"PUBLISH", kInboxPrefix + to, std::move(payload)},
                                 [weak, to, conn](persistence::RedisReply reply) {
                                   if (!reply.is_integer() || reply.integer != 0) return;
                                   if (auto self = weak.lock()) self->drop_proxy(to, conn);
                                 });
          },
          channels_);
      added = true;
    }
    client = slot;
  }
  if (added) {
    std::lock_guard gate(gate_);
    if (auto hub = hub_if_running()) hub->register_remote(client);
  }
  return client;
}

// Runs on the subscriber thread, one message at a time, in the order published.
void ClusterNode::on_inbox(const std::string& message) {
  auto j = json::parse(message, nullptr, false);
  if (!j.is_object() || !j.contains("t")) return;  // e.g. our own startup probe "{}"
  const std::string t = j.value("t", "");
  const std::string from = j.value("from", "");
  const std::uint64_t conn = j.value("conn", std::uint64_t{0});
  if (t == "deliver" || t == "close") {
    std::shared_ptr<rooms::Client> client;
    {
      std::lock_guard lock(mutex_);
      if (auto it = locals_.find(conn); it != locals_.end()) client = it->second.client.lock();
    }
    if (!client) {  // gone: the owner drops its proxy
      if (!from.empty()) publish(from, inbox_detach(node_id_, conn));
      return;
    }
    if (t == "close") return client->close(j.value("code", 1000), j.value("reason", ""));
    client->send(rooms::make_message(j.value("msg", "")),
                 j.value("audience", "") == "spectator" ? rooms::Audience::spectator : rooms::Audience::player);
    return;
  }
  std::lock_guard gate(gate_);
  auto hub = hub_if_running();
  if (!hub || from.empty()) return;
  if (t == "request") {
    auto user = user_from(j.value("user", json{}));
    if (!user) return;
    auto parsed = rooms::parse_client_message(j.value("text", ""));
    auto* request = std::get_if<rooms::ClientRequest>(&parsed);
    if (!request) return;  // the sending node parsed it already
    hub->on_message(proxy(from, conn, *user, j.value("session", "")), std::move(*request));
  } else if (t == "detach") {
    drop_proxy(from, conn);
  } else if (t == "watching") {
    channels_->watching(conn, j.value("game", ""), j.value("on", false));
  }
}

// Runs on the subscriber thread. The new owner's room has nobody attached: the players and spectators
// connected here ask for the game again (their requests go to the new owner, or to this node's Hub if it
// is the owner). Spectators this node had through the game's channel are now served by its own room when
// it is the owner, so the channel forgets them first.
void ClusterNode::on_takeover(const std::string& message) {
  auto j = json::parse(message, nullptr, false);
  if (!j.is_object()) return;
  const std::string game = j.value("game", "");
  const std::string owner = j.value("owner", "");
  if (game.empty() || owner.empty()) return;
  std::vector<std::string> players;
  if (auto p = j.find("players"); p != j.end() && p->is_array())
    for (const auto& id : *p)
      if (id.is_string()) players.push_back(id.get<std::string>());
  auto watchers = owner == node_id_ ? channels_->take_watchers(game) : channels_->watchers_of(game);
  std::lock_guard gate(gate_);
  auto hub = hub_if_running();
  if (!hub) return;
  for (const auto& watcher : watchers) hub->on_message(watcher, rooms::ClientRequest{rooms::in::Watch{game}, {}});
  hub->resume_for_players(game, players);
}

void ClusterNode::drop_proxy(const std::string& node, std::uint64_t conn) {
  std::shared_ptr<RemoteClient> client;
  {
    std::lock_guard lock(mutex_);
    auto it = proxies_.find({node, conn});
    if (it == proxies_.end()) return;
    client = std::move(it->second);
    proxies_.erase(it);
  }
  std::lock_guard gate(gate_);
  if (auto hub = hub_if_running()) hub->on_disconnect(client);
}

// ---- Matchmaking ----

void ClusterNode::seek(const std::shared_ptr<rooms::Client>& client, const rooms::in::Seek& seek) {
  if (dynamic_cast<const RemoteClient*>(client.get())) return;
  std::uint64_t conn;
  std::string previous;
  persistence::ClusterSeek s;
  {
    std::lock_guard lock(mutex_);
    conn = local_id(client);
    previous = std::exchange(locals_[conn].seek, node_id_ + "#" + std::to_string(next_seek_++));
    s.id = locals_[conn].seek;
  }
  if (!previous.empty()) lobby_->cancel_seek(previous, {});  // one seek per connection, the latest
  s.user_id = client->user().id;
  s.node_id = node_id_;
  s.tc = seek.tc.text();
  s.rated = seek.rated;
  s.rating = client->user().rating;
  s.payload = seek_payload(conn, client->user(), client->session_id());
  std::weak_ptr<ClusterNode> weak = weak_from_this();
  lobby_->add_seek(std::move(s), now_ms(), [weak](persistence::AddSeekResult result) {
    if (auto self = weak.lock(); self && result.pairing) self->on_pairing(*result.pairing);
    if (result.status == persistence::SeekStatus::unavailable)
      net::log_warn("cluster", "a seek could not reach the shared lobby");
  });
}

void ClusterNode::cancel_seek(const std::shared_ptr<rooms::Client>& client) {
  std::string seek;
  {
    std::lock_guard lock(mutex_);
    auto it = local_ids_.find(client.get());
    if (it == local_ids_.end()) return;
    seek = std::exchange(locals_[it->second].seek, std::string{});
  }
  if (!seek.empty()) lobby_->cancel_seek(seek, {});
}

void ClusterNode::tick() {
  std::weak_ptr<ClusterNode> weak = weak_from_this();
  lobby_->tick(now_ms(), [weak](std::vector<persistence::ClusterPairing> pairings) {
    if (auto self = weak.lock())
      for (const auto& p : pairings) self->on_pairing(p);
  });
}

std::vector<std::string> ClusterNode::games_of(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto it = prefetched_.find(user_id);
  return it == prefetched_.end() ? std::vector<std::string>{} : it->second;
}

void ClusterNode::prefetch_games(const std::string& user_id, std::function<void()> done) {
  static constexpr auto kKeep = std::chrono::seconds(30);  // from the upgrade's authentication to its welcome
  std::weak_ptr<ClusterNode> weak = weak_from_this();
  history_->playing_games(user_id, [weak, user_id, done = std::move(done)](std::vector<std::string> games) {
    if (auto self = weak.lock()) {
      const auto now = std::chrono::steady_clock::now();
      std::lock_guard lock(self->mutex_);
      while (!self->prefetch_order_.empty() && now - self->prefetch_order_.front().first > kKeep) {
        self->prefetched_.erase(self->prefetch_order_.front().second);
        self->prefetch_order_.pop_front();
      }
      // (A user prefetched again is expired by its first entry: at worst a welcome lists only local games.)
      self->prefetched_[user_id] = std::move(games);
      self->prefetch_order_.emplace_back(now, user_id);
    }
    done();
  });
}

// The pairing was made by this node's script: this node creates the game (and so holds its lease).
void ClusterNode::on_pairing(const persistence::ClusterPairing& pairing) {
  struct Side {
    rooms::User user;
    std::vector<std::shared_ptr<rooms::Client>> remote;
  };
  auto tc = rooms::TimeControl::parse(pairing.first.tc);
  if (!tc) return;
  Side sides[2];
  for (int i = 0; i < 2; ++i) {
    const auto& s = i == 0 ? pairing.first : pairing.second;
    auto payload = json::parse(s.payload, nullptr, false);
    auto user = payload.is_object() ? user_from(payload.value("user", json{})) : std::nullopt;
    if (!user) return;
    sides[i].user = *user;
    const std::uint64_t conn = payload.value("conn", std::uint64_t{0});
    if (s.node_id == node_id_) {
      // Our own seeker: the Hub attaches every local connection of the user.
      std::lock_guard lock(mutex_);
      if (auto it = locals_.find(conn); it != locals_.end() && it->second.seek == s.id) it->second.seek.clear();
    } else {
      sides[i].remote.push_back(proxy(s.node_id, conn, *user, payload.value("session", "")));
    }
  }
  bool first_red;
  {
    std::lock_guard lock(mutex_);
    first_red = (rng_() & 1) != 0;
  }
  Side& red = sides[first_red ? 0 : 1];
  Side& black = sides[first_red ? 1 : 0];
  rooms::GameSetup setup;
  setup.tc = *tc;
  setup.rated = pairing.first.rated;
  setup.red = red.user;
  setup.black = black.user;
  std::lock_guard gate(gate_);
  if (auto hub = hub_if_running()) hub->create_paired_game(std::move(setup), std::move(red.remote), std::move(black.remote));
}

// ---- Leases ----

void ClusterNode::lost(const std::string& game_id, std::uint64_t token) {
  bool mine = false;
  for (const auto& [game, holder] : journal_->holders())
    if (game == game_id && (token == 0 || holder.token == token)) mine = true;
  if (!mine) return;  // finished (the lease released with it) or already dropped
  journal_->forget(game_id);
  net::log_warn("cluster", "game " + game_id + ": lease lost to another node; the game stops here");
  std::lock_guard gate(gate_);
  if (auto hub = hub_if_running()) hub->drop_game(game_id);
}

void ClusterNode::renew() {
  std::weak_ptr<ClusterNode> weak = weak_from_this();
  for (const auto& [game, holder] : journal_->holders()) {
    lease_->renew(game, holder, lease_ms_, [weak, game, token = holder.token](persistence::LeaseStatus status) {
      if (status != persistence::LeaseStatus::refused) return;  // ok, or unknown: try again next time
      if (auto self = weak.lock()) self->lost(game, token);
    });
  }
}

void ClusterNode::scan_orphans() {
  std::weak_ptr<ClusterNode> weak = weak_from_this();
  lease_->orphans([weak](std::vector<std::string> games) {
    auto self = weak.lock();
    if (!self) return;
    for (const auto& game : games)
      if (!self->journal_->owns(game)) self->take_over(game);
  });
}

void ClusterNode::take_over(const std::string& game_id) {
  std::weak_ptr<ClusterNode> weak = weak_from_this();
  lease_->acquire(game_id, node_id_, lease_ms_, [weak, game_id](persistence::LeaseGrant grant) {
    auto self = weak.lock();
    if (!self || !grant.ok()) return;  // another node was first
    persistence::LeaseHolder holder{self->node_id_, grant.token};
    self->redis_journal_->load_game(game_id, [weak, game_id, holder](std::optional<persistence::JournaledGame> row) {
      auto self = weak.lock();
      if (!self) return;
      std::size_t resumed = 0;
      std::string why = "cannot be read";
      json players = json::array();
      if (row && row->status == "playing") {
        Recovery recovery = recovered_games({*row});
        if (!recovery.skipped.empty()) why = recovery.skipped.front();
        for (const auto& game : recovery.games)
          for (const auto* seat : {&game.setup.red, &game.setup.black})
            if (const auto* user = std::get_if<rooms::User>(seat)) players.push_back(user->id);
        self->journal_->adopt(game_id, holder);
        std::lock_guard gate(self->gate_);
        if (auto hub = self->hub_if_running(); hub && !recovery.games.empty())
          resumed = hub->recover(std::move(recovery.games));
      } else if (row) {
        why = "not in play";
      }
      if (resumed) {
        net::log_info("cluster", "took over game " + game_id + " (" + std::to_string(row->moves.size()) + " moves)");
        self->redis_.command({"PUBLISH", kTakeoverChannel,
                              json{{"game", game_id}, {"owner", self->node_id_}, {"players", players}}.dump()},
                             {});
        return;
      }
      net::log_warn("cluster", "orphan game " + game_id + " not resumed: " + why);
      self->journal_->forget(game_id);
      self->lease_->release(game_id, holder, {});
    });
  });
}

// ---- The live list ----

void ClusterNode::publish_live() {
  std::string summary;
  {
    std::lock_guard gate(gate_);
    auto hub = hub_if_running();
    if (!hub || live_off_) return;  // stopped, or draining: release_all took our summary away
    summary = hub->live_games_json();
  }
  // In this order on the one connection: the key exists before readers learn the node id.
  redis_.command({"SET", kLivePrefix + node_id_, std::move(summary), "PX", std::to_string(kLiveTtl.count())}, {});
  const std::int64_t now = now_ms();
  redis_.command({"ZADD", kLiveNodes, std::to_string(now), node_id_}, {});
  redis_.command({"ZREMRANGEBYSCORE", kLiveNodes, "-inf", "(" + std::to_string(now - kLiveForgetMs)}, {});
}

void ClusterNode::live_games_json(std::size_t listed, std::function<void(std::string)> done) {
  using ojson = nlohmann::ordered_json;
  std::string local;
  {
    std::lock_guard gate(gate_);
    if (auto hub = hub_.lock()) local = hub->live_games_json();  // ours as it is now, not as last written
  }
  // Merges this node's summary with the others' (texts of Hub::live_games_json()).
  auto merge = [listed, local](const std::vector<std::string>& others) {
    ojson games = ojson::array();
    long long online = 0;
    auto add = [&](const std::string& text) {
      auto j = ojson::parse(text, nullptr, false);
      if (!j.is_object()) return;
      // A user connected to two nodes at once is counted on each: the sum may count a few users twice.
      if (j.contains("online") && j["online"].is_number_integer()) online += j["online"].get<long long>();
      if (j.contains("games") && j["games"].is_array())
        for (auto& g : j["games"])
          if (g.is_object()) games.push_back(std::move(g));
    };
    if (!local.empty()) add(local);
    for (const auto& text : others) add(text);
    std::vector<ojson> ranked(games.begin(), games.end());
    auto spectators = [](const ojson& g) {
      auto it = g.find("spectators");
      return it != g.end() && it->is_number_integer() ? it->get<long long>() : 0LL;
    };
    std::stable_sort(ranked.begin(), ranked.end(),
                     [&](const ojson& a, const ojson& b) { return spectators(a) > spectators(b); });
    if (ranked.size() > listed) ranked.resize(listed);
    ojson out = ojson::object();
    out["games"] = ojson(ranked);
    out["online"] = online;
    return out.dump(-1, ' ', false, ojson::error_handler_t::replace);
  };
  auto shared_done = std::make_shared<std::function<void(std::string)>>(std::move(done));
  const std::string self_id = node_id_;
  // The node ids that wrote a summary in the last minute (not this one), then their summaries at once.
  std::weak_ptr<ClusterNode> weak = weak_from_this();
  redis_.command({"ZRANGE", kLiveNodes, "0", "-1"}, [weak, merge, shared_done, self_id](persistence::RedisReply ids) {
    auto self = weak.lock();
    std::vector<std::string> args{"MGET"};
    if (self && ids.is_array())
      for (const auto& id : ids.elements)
        if (id.is_string() && id.text != self_id) args.push_back(kLivePrefix + id.text);
    if (args.size() == 1) return (*shared_done)(merge({}));
    self->redis_.command(std::move(args), [merge, shared_done](persistence::RedisReply values) {
      std::vector<std::string> others;
      if (values.is_array())
        for (const auto& v : values.elements)
          if (v.is_string()) others.push_back(v.text);  // nil: that node's summary expired (it is gone)
      (*shared_done)(merge(others));
    });
  });
}

}  // namespace chuhe::server
