#pragma once
// Cluster mode: the rooms' Journal on RedisJournal (persistence/redis_journal.h), a Redis stream per game
// written only by the node holding the game's lease (GameLease), each write fenced by the lease's token.
//
// start() first acquires the game's lease for this node (a game id another node already holds is refused,
// and the game then ends before it began, as on any journal failure); the holder is kept per game and
// every later write of that game carries it. A write refused by the fence (the lease went to another
// node) answers not durable and calls the lost-lease callback: the node must drop the game at once.
// When a game's end is durable in Redis, the whole game is copied into this node's SQLite journal, the
// archive GET /api/games/{id} reads, so finished games are served by the node that finished them.
//
// A write that Redis answered `unavailable` (timeout, lost connection) may have landed: the game is read
// back and the write counts as durable if it is there (so that a retried move is not refused forever as
// a duplicate of itself).
//
// Callbacks (the rooms' Done) run on the RedisClient's thread. close() (at shutdown, after the io
// threads stopped) makes sure no Done runs after it returns: the rooms' strands may be gone then.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "persistence/cluster_lease.h"
#include "persistence/game_journal.h"
#include "persistence/redis_journal.h"
#include "rooms/journal.h"

namespace chuhe::server {

class RedisGameJournal : public rooms::Journal, public std::enable_shared_from_this<RedisGameJournal> {
 public:
  // `lease` and `journal` must outlive every call in flight (own them beside the RedisClient); `archive`
  // may be null (then finished games are not copied).
  RedisGameJournal(std::shared_ptr<persistence::GameLease> lease, std::shared_ptr<persistence::RedisJournal> journal,
                   std::string node_id, std::chrono::milliseconds lease_ms,
                   std::shared_ptr<persistence::GameJournal> archive);

  // Before the first game (the node id may only be known once the listener is bound).
  void set_node_id(std::string node_id) { node_id_ = std::move(node_id); }

  void start(const rooms::GameSetup& game, Done done) override;
  void append(const std::string& game_id, int ply, const std::string& iccs, long long clock_ms, Done done) override;
  void finish(const std::string& game_id, std::string_view result, std::string_view reason, Done done) override;

  // A game this node took over (acquired and loaded): later writes carry `holder`.
  void adopt(const std::string& game_id, persistence::LeaseHolder holder);
  // The game is no longer this node's (lease lost, or released).
  void forget(const std::string& game_id);
  bool owns(const std::string& game_id) const;
  // Every game this node holds a lease for now, for renewal.
  std::vector<std::pair<std::string, persistence::LeaseHolder>> holders() const;

  // No Done runs after this returns; later writes answer not durable at once.
  void close();

 private:
  // Runs `done(ok)` unless closed (under the gate, so close() waits for one in progress).
  void answer(const Done& done, bool ok);
  void confirm(const std::string& game_id, const persistence::LeaseHolder& holder,
               std::function<bool(const persistence::JournaledGame&)> landed, std::function<void(bool)> then);
  void archive_game(const std::string& game_id);

  std::shared_ptr<persistence::GameLease> lease_;
  std::shared_ptr<persistence::RedisJournal> journal_;
  std::string node_id_;
  const std::chrono::milliseconds lease_ms_;
  std::shared_ptr<persistence::GameJournal> archive_;

  mutable std::mutex mutex_;  // guards holders_
  std::unordered_map<std::string, persistence::LeaseHolder> holders_;
  std::mutex gate_;  // held while a Done runs; closed_ under it
  bool closed_ = false;
};

}  // namespace chuhe::server
