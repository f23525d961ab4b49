#pragma once
// RedisUserStore: accounts and ratings in Redis, shared by every node of a cluster (the UserDirectory of
// cluster mode; a single node keeps them in SQLite, persistence/user_store.h). Callbacks run on the
// RedisClient's thread: post back to your own executor. While Redis is down every request answers
// `error` at once (503 for the caller), never `not_found`.
//
// Keys (prefix "chuhe:" by default):
//   <prefix>user:<id>            hash: name, name_key, guest ("0"/"1"), password_hash, rating, rd,
//                                volatility, rated_games, created_at. A guest's hash expires with its
//                                token (guest_ttl): guests are never pruned, they vanish by themselves.
//   <prefix>username:<name_key>  the id of the registered user with that name, created atomically with
//                                the user (one Lua script, SET NX): a name is taken once, by one node.
//   <prefix>leaderboard          sorted set of registered users with rated games, score = rating.
// A rated game is read, rated in C++ (Glicko-2) and written by a compare-and-set script that refuses if
// either player's rating changed in between; refused writes are retried from the read.
#include <chrono>
#include <memory>
#include <string>

#include "persistence/redis_client.h"
#include "persistence/user_directory.h"

namespace chuhe::persistence {

struct RedisUserStoreOptions {
  std::string prefix = "chuhe:";
  std::chrono::seconds guest_ttl{24 * 3600};  // a guest lives as long as its token (plus the leeway)
  int rate_attempts = 32;                     // compare-and-set tries before rate_game gives up (error)
};

class RedisUserStore : public UserDirectory {
 public:
  // `client` must outlive this store and every callback it runs.
  explicit RedisUserStore(RedisClient& client, RedisUserStoreOptions options = {});

  // name_taken when a registered user (on any node) already has the name.
  void create_user(NewUser user, Done done) override;
  void find_by_name(std::string name, Done done) override;
  void find_by_id(std::string id, Done done) override;
  void rate_game(std::string red_id, std::string black_id, double red_score,
                 std::function<void(RatingUpdate)> done) override;
  // Guests expire by themselves (a TTL on their hash): answers 0 at once.
  void prune_guests(std::int64_t created_before, std::function<void(long long)> done) override;
  void leaderboard(int limit, std::function<void(LeaderboardResult)> done) override;

  const RedisUserStoreOptions& options() const { return state_->options; }

  struct State {
    RedisClient& client;
    RedisUserStoreOptions options;
    std::string user_key(const std::string& id) const { return options.prefix + "user:" + id; }
    std::string name_key_key(const std::string& key) const { return options.prefix + "username:" + key; }
    std::string leaderboard_key() const { return options.prefix + "leaderboard"; }
  };

 private:
  std::shared_ptr<const State> state_;
};

}  // namespace chuhe::persistence
