#pragma once
// Cluster mode (config `cluster = true`; docs/operations.md): this node's part in a cluster of chuhe-server
// processes sharing one Redis. It is the Hub's RemoteRouter and owns the cluster's moving parts:
//
// - Game ownership. A game belongs to the node that holds its lease (GameLease); the rooms journal it
//   through RedisGameJournal, fenced by the lease's token. A timer renews every owned lease each
//   lease/3; a lease whose renewal is refused, or a write refused by the fence, means another node has
//   the game now: the room is stopped and dropped from the Hub at once, without a word to anyone.
// - Spectators on other nodes: the game's channel (server/game_channels.h): the owner publishes each
//   spectator broadcast once, every node with spectators of the game subscribes once and fans out.
// - Requests for another node's game. A local client's game request for a game this node does not have
//   is sent to the owner (lease.owner) on its inbox channel `chuhe:node:<owner>` as
//   {"t":"request","from","conn","user","session","text"}. The owner keeps one RemoteClient per
//   (from, conn) that it hands to its Hub like any connection; its send() publishes
//   {"t":"deliver","from","conn","audience","msg"} to `chuhe:node:<from>`, and this node gives the message
//   to the connection with that id (a per-process counter). A local disconnect is forwarded to every
//   owner the connection talked to as {"t":"detach"}; a delivery for a connection that is gone answers
//   one too, and a delivery that no node receives (its node died) detaches the proxy at once. Requests of
//   one connection keep their order: the owner lookups and the PUBLISHes go through one RedisClient, in
//   order (a watch waits for its channel's subscription, and the requests behind it wait with it).
// - Matchmaking. Seeks go to the shared ClusterLobby (atomic pairing in Redis), also ticked on every
//   lobby tick of the Hub. The node whose script call returned a pairing creates the game: its local
//   seeker is attached as usual, a seeker on another node through a RemoteClient that becomes that seat's
//   connection, so game_start and every later event reach it.
// - Failover. Every lease/2 (and at start) the node lists the orphans (games in play whose lease
//   expired), acquires each (one node wins), loads it from the Redis journal and resumes it in its Hub.
//   The players reconnect to any node and `resume`, which is routed to the new owner. The new owner then
//   announces the takeover (`chuhe:takeover`): every node has its connected players of the game `resume`
//   it and its spectators `watch` it again on their behalf, so sockets that outlived the old owner go on.
// - The history. The Redis journal keeps finished games (no expiry) and each player's games by start time:
//   every node's archive reads them (persistence/redis_game_archive.h), and `welcome` lists the games a
//   user plays on any node (looked up while the upgrade is authenticated: prefetch_games, games_of).
// - The live list. Every second the node writes its Hub's live_games_json() (its own games, most watched
//   first, and its online count) to `chuhe:live:<node>` with a 3 s expiry and its id to the sorted set
//   `chuhe:live-nodes` (score: when); live_games_json() merges every node's summary for GET /api/games/live
//   (`online` is the sum of the nodes' distinct users: one user connected to two nodes counts twice).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <atomic>
#include <chrono>
#include <deque>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "persistence/cluster_lease.h"
#include "persistence/cluster_lobby.h"
#include "persistence/game_journal.h"
#include "persistence/redis_client.h"
#include "persistence/redis_game_archive.h"
#include "persistence/redis_journal.h"
#include "persistence/redis_subscriber.h"
#include "rooms/hub.h"
#include "server/game_channels.h"
#include "server/redis_game_journal.h"
#include "server/remote_client.h"

namespace chuhe::server {

class ClusterNode : public rooms::RemoteRouter, public std::enable_shared_from_this<ClusterNode> {
 public:
  // `redis` and `subscriber` must outlive the node. `archive`: where finished games are copied (may be null).
  ClusterNode(boost::asio::any_io_executor io, persistence::RedisClient& redis, persistence::RedisSubscriber& subscriber,
              std::chrono::milliseconds lease, std::shared_ptr<persistence::GameJournal> archive,
              std::size_t max_watched_games = 32);
  ~ClusterNode() override;

  // The Hub's journal in cluster mode.
  std::shared_ptr<RedisGameJournal> journal() const { return journal_; }

  // Joins the cluster as `node_id` (no '|'): subscribes to its inbox (and waits, a few seconds at most,
  // until Redis delivers to it), becomes `hub`'s router, starts the lease renewal and the orphan scan.
  // Call once, before connections arrive. Returns an error for the operator, or empty.
  std::string start(const std::shared_ptr<rooms::Hub>& hub, std::string node_id);
  // Draining: gives up every lease this node holds, so that other nodes take its games over now.
  void release_all();
  // After the io threads stopped: no callback reaches the Hub, the io_context or the rooms after this.
  void stop();

  const std::string& node_id() const { return node_id_; }

  // This node's part of the cluster for /metrics (Prometheus text): games it owns, game channels it is
  // subscribed to for its spectators, connections of other nodes it serves, and its Redis journal's
  // writes by outcome. Every node exports its own; a scraper sums them.
  std::string metrics_text() const;

  // GET /api/games/live for the whole cluster: the live games of every node (this node's as they are now,
  // the others' as they wrote them at most ~1 s ago), most watched first, at most `listed`; `online` sums
  // the nodes' counts. `done` runs on the Redis client's thread (or at once on this one if Redis cannot
  // be asked: then the answer holds this node's games only).
  void live_games_json(std::size_t listed, std::function<void(std::string)> done);

  // rooms::RemoteRouter
  bool route(const std::shared_ptr<rooms::Client>& client, const rooms::ClientRequest& request,
             const std::string& game) override;
  void seek(const std::shared_ptr<rooms::Client>& client, const rooms::in::Seek& seek) override;
  void cancel_seek(const std::shared_ptr<rooms::Client>& client) override;
  void disconnected(const std::shared_ptr<rooms::Client>& client) override;
  void tick() override;
  std::vector<std::string> games_of(const std::string& user_id) override;

  // Looks up the games `user_id` plays anywhere in the cluster (Redis) and keeps the answer for a while,
  // for games_of() when the user's connection arrives; then `done` (on the Redis client's thread, or at
  // once if Redis cannot be asked). Called while a WebSocket upgrade is authenticated.
  void prefetch_games(const std::string& user_id, std::function<void()> done);

 private:
  struct Local {  // a local connection that talked to the cluster
    std::weak_ptr<rooms::Client> client;
    std::unordered_set<std::string> owners;  // nodes that may hold a RemoteClient for it
    std::string seek;                        // its waiting seek's id in the shared lobby, if any
  };

  std::uint64_t local_id(const std::shared_ptr<rooms::Client>& client);  // under mutex_
  void publish(const std::string& node, std::string payload);
  void on_inbox(const std::string& message);
  std::shared_ptr<RemoteClient> proxy(const std::string& node, std::uint64_t conn, const rooms::User& user,
                                      const std::string& session);
  void drop_proxy(const std::string& node, std::uint64_t conn);  // the remote connection is gone
  void on_takeover(const std::string& message);  // kTakeoverChannel
  void on_pairing(const persistence::ClusterPairing& pairing);
  void lost(const std::string& game_id, std::uint64_t token);  // token 0: whatever the holder
  void renew();
  void scan_orphans();
  void take_over(const std::string& game_id);
  void publish_live();  // this node's summary under chuhe:live:<node_id> (see live_games_json)
  void every(boost::asio::steady_timer& timer, std::chrono::milliseconds period, void (ClusterNode::*tick)());
  std::shared_ptr<rooms::Hub> hub_if_running();  // null once stopped; call under gate_

  boost::asio::any_io_executor io_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer renew_timer_;
  boost::asio::steady_timer scan_timer_;
  boost::asio::steady_timer live_timer_;
  persistence::RedisClient& redis_;
  persistence::RedisSubscriber& subscriber_;
  const std::chrono::milliseconds lease_ms_;
  std::shared_ptr<persistence::GameLease> lease_;
  std::shared_ptr<persistence::RedisJournal> redis_journal_;
  std::shared_ptr<persistence::ClusterLobby> lobby_;
  std::shared_ptr<RedisGameJournal> journal_;
  std::shared_ptr<GameChannels> channels_;
  std::shared_ptr<persistence::RedisGameArchive> history_;  // the players' games (playing_games)
  std::string node_id_;  // set by start(), before anything uses it
  std::weak_ptr<rooms::Hub> hub_;

  mutable std::mutex mutex_;  // guards what follows; never held while calling the Hub
  std::unordered_map<const rooms::Client*, std::uint64_t> local_ids_;
  std::unordered_map<std::uint64_t, Local> locals_;
  std::map<std::pair<std::string, std::uint64_t>, std::shared_ptr<RemoteClient>> proxies_;
  // prefetch_games' answers by user, and when each was stored (oldest first, for expiry).
  std::unordered_map<std::string, std::vector<std::string>> prefetched_;
  std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> prefetch_order_;
  std::uint64_t next_conn_ = 1;
  std::uint64_t next_seek_ = 1;
  std::mt19937_64 rng_{std::random_device{}()};

  std::recursive_mutex gate_;  // held by callbacks from Redis while they reach the Hub; stopped_ under it
  bool stopped_ = false;
  std::atomic<bool> live_off_{false};  // set by release_all: no more summaries
};

// This node's default id: the listen address and port (the host name instead of a wildcard address).
std::string default_node_id(const std::string& listen_address, unsigned short port);

}  // namespace chuhe::server
