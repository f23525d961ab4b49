#pragma once
// UserStore: the archive's users table (the UserDirectory of a single node). Every query runs on the
// SqliteDb thread; callbacks run there too (post back to your own executor).
#include <cstdint>
#include <functional>
#include <string>

#include "persistence/sqlite_db.h"
#include "persistence/user_directory.h"

namespace chuhe::persistence {

class UserStore : public UserDirectory {
 public:
  explicit UserStore(SqliteDb& db) : db_(db) {}

  void create_user(NewUser user, Done done) override;
  void find_by_name(std::string name, Done done) override;
  void find_by_id(std::string id, Done done) override;
  // In one transaction (BEGIN IMMEDIATE).
  void rate_game(std::string red_id, std::string black_id, double red_score,
                 std::function<void(RatingUpdate)> done) override;
  void prune_guests(std::int64_t created_before, std::function<void(long long)> done) override;
  void leaderboard(int limit, std::function<void(LeaderboardResult)> done) override;

 private:
  // Runs `job` on the DB thread; if the DB refuses it, answers `done` at once with an error.
  void submit(std::function<UserResult(sqlite3*)> job, Done done);

  SqliteDb& db_;
};

}  // namespace chuhe::persistence
