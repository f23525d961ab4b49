#pragma once
// RedisGameArchive: cluster mode's archive (GameArchive), read by every node from the same Redis, so that
// any node answers GET /api/games/{id} and a player's history whichever node ran the game. The games are
// RedisJournal's (a hash and a move stream per game, kept after the end: a cluster's RedisJournal has no
// finished_ttl) and the histories its per-player sorted sets (ClusterKeys::user_games, by start time).
// A game Redis does not have (played before the node joined a cluster, or expired there) is looked up
// in `fallback` (the node's SQLite archive). Callbacks run on the RedisClient's thread (or the fallback's).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "persistence/cluster_lease.h"
#include "persistence/game_archive.h"
#include "persistence/redis_client.h"
#include "persistence/redis_journal.h"

namespace chuhe::persistence {

class RedisGameArchive final : public GameArchive {
 public:
  // `client` must outlive the archive's calls; `fallback` may be null.
  RedisGameArchive(RedisClient& client, ClusterKeys keys, std::unique_ptr<GameArchive> fallback);

  void find_game(std::string id, std::function<void(GameResult)> done) override;
  void user_games(std::string user_id, int offset, int limit, std::function<void(HistoryResult)> done) override;

  // The games `user_id` plays now (of their 16 newest), for `welcome` on any node; empty on error.
  void playing_games(std::string user_id, std::function<void(std::vector<std::string>)> done);

 private:
  RedisClient& client_;
  const ClusterKeys keys_;
  std::shared_ptr<RedisJournal> reader_;  // load_game
  std::shared_ptr<GameArchive> fallback_;
};

}  // namespace chuhe::persistence
