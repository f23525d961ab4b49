#pragma once
// UserStore: the archive's users table. Every query runs on the SqliteDb thread; callbacks run there too
// (post back to your own executor).
//
// Guests are stored as users with guest = true and no password, so that games and ratings can refer to
// any player by id. Registered names are unique case-insensitively; guest names are not unique.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "persistence/sqlite_db.h"

namespace chuhe::persistence {

struct Glicko2 {
  double rating = 1500;
  double rd = 350;            // rating deviation
  double volatility = 0.06;
};

struct User {
  std::string id;             // opaque, e.g. "u_" + 24 hex digits
  std::string name;           // as the user typed it
  bool guest = false;
  std::string password_hash;  // Argon2id encoded string; empty for guests. Never send it anywhere.
  Glicko2 rating;
  std::int64_t created_at = 0;  // Unix seconds
};

struct NewUser {
  std::string id;             // chosen by the caller (random), unique
  std::string name;           // already validated by the caller
  bool guest = false;
  std::string password_hash;  // required for registered users, must be empty for guests
};

enum class UserStatus {
  ok,
  not_found,
  name_taken,  // create_user: a registered user already has this name (case-insensitively)
  error,       // the database failed or is busy/closing; answer 503
};

struct UserResult {
  UserStatus status = UserStatus::error;
  User user;  // set when status == ok
};

class UserStore {
 public:
  using Done = std::function<void(UserResult)>;

  explicit UserStore(SqliteDb& db) : db_(db) {}

  void create_user(NewUser user, Done done);
  // Registered users only: guest names are not unique and cannot be logged into.
  void find_by_name(std::string name, Done done);
  void find_by_id(std::string id, Done done);

  // The case-insensitive key names are unique by (names are ASCII by the naming rules).
  static std::string name_key(std::string_view name);

 private:
  // Runs `job` on the DB thread; if the DB refuses it, answers `done` at once with an error.
  void submit(std::function<UserResult(sqlite3*)> job, Done done);

  SqliteDb& db_;
};

}  // namespace chuhe::persistence
