#pragma once
// UserDirectory: where accounts and ratings live. Two implementations: UserStore (persistence/user_store.h,
// the archive's SQLite users table, for a single node) and RedisUserStore (persistence/redis_user_store.h,
// shared by every node of a cluster). Every method returns at once and answers through its callback, on
// the implementation's own thread (the DB thread, the Redis client thread): post back to your own
// executor.
//
// Guests are stored as users with guest = true and no password, so that games and ratings can refer to
// any player by id. Registered names are unique case-insensitively; guest names are not unique.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace chuhe::persistence {

struct Glicko2 {  // a new player's values: lichess's defaults (persistence/glicko2.h)
  double rating = 1500;
  double rd = 500;            // rating deviation
  double volatility = 0.09;
};

struct User {
  std::string id;             // opaque, e.g. "u_" + 24 hex digits
  std::string name;           // as the user typed it
  bool guest = false;
  std::string password_hash;  // Argon2id encoded string; empty for guests. Never send it anywhere.
  Glicko2 rating;
  std::int64_t created_at = 0;  // Unix seconds
  int rated_games = 0;
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

// A rated game's effect on both players.
struct RatingUpdate {
  UserStatus status = UserStatus::error;  // not_found: either player is unknown or a guest (nothing changed)
  Glicko2 red_before, red_after, black_before, black_after;
};

struct LeaderboardResult {
  UserStatus status = UserStatus::error;
  std::vector<User> users;  // best first (no password hashes)
};

class UserDirectory {
 public:
  using Done = std::function<void(UserResult)>;

  virtual ~UserDirectory() = default;

  virtual void create_user(NewUser user, Done done) = 0;
  // Registered users only: guest names are not unique and cannot be logged into.
  virtual void find_by_name(std::string name, Done done) = 0;
  virtual void find_by_id(std::string id, Done done) = 0;

  // Rates one finished game between two registered users (Glicko-2, the game as its own rating period,
  // as lichess does), atomically: both ratings and rated-game counts change, or neither.
  // `red_score`: 1 red won, 0.5 draw, 0 black won.
  virtual void rate_game(std::string red_id, std::string black_id, double red_score,
                         std::function<void(RatingUpdate)> done) = 0;
  // Deletes guests created before `created_before` (Unix seconds): once their token has expired nobody
  // can be them again (guests cannot log in). Their games keep the players as they were. done(count
  // deleted, or -1 on error). A directory whose guests expire by themselves answers 0.
  virtual void prune_guests(std::int64_t created_before, std::function<void(long long)> done) = 0;
  // Registered users with at least one rated game, by rating, best first; at most `limit`.
  virtual void leaderboard(int limit, std::function<void(LeaderboardResult)> done) = 0;

  // The case-insensitive key names are unique by (names are ASCII by the naming rules).
  static std::string name_key(std::string_view name);
};

}  // namespace chuhe::persistence
