#include "persistence/user_store.h"

#include <chrono>
#include <memory>

#include "persistence/glicko2.h"
#include "persistence/sqlite_connection.h"
#include "persistence/sqlite_statement.h"

namespace chuhe::persistence {
namespace {

constexpr const char* kSelectColumns =
    "SELECT id, name, guest, password_hash, rating, rating_rd, rating_volatility, created_at, rated_games FROM users ";

User read_user(const SqliteStatement& stmt) {
  User u;
  u.id = stmt.text(0);
  u.name = stmt.text(1);
  u.guest = stmt.int64(2) != 0;
  u.password_hash = stmt.text(3);
  u.rating = Glicko2{stmt.real(4), stmt.real(5), stmt.real(6)};
  u.created_at = stmt.int64(7);
  u.rated_games = static_cast<int>(stmt.int64(8));
  return u;
}

UserResult read_one(SqliteStatement& stmt) {
  UserResult result;
  int rc = stmt.step();
  if (rc == SQLITE_DONE) {
    result.status = UserStatus::not_found;
  } else if (rc == SQLITE_ROW) {
    result.status = UserStatus::ok;
    result.user = read_user(stmt);
  }
  return result;
}

UserResult find(sqlite3* db, const char* where, std::string_view value) {
  std::string sql = std::string(kSelectColumns) + where;
  SqliteStatement stmt(db, sql.c_str());
  if (!stmt.ok()) return {};
  stmt.bind(1, value);
  return read_one(stmt);
}

// Reads both players, rates the game and writes both, inside one write transaction (BEGIN IMMEDIATE:
// no other writer can change either rating between our read and our write).
RatingUpdate rate_in_transaction(sqlite3* db, const std::string& red_id, const std::string& black_id,
                                 double red_score) {
  RatingUpdate update;
  if (!sqlite_exec(db, "BEGIN IMMEDIATE")) return update;
  auto red = find(db, "WHERE id = ? AND guest = 0", red_id);
  auto black = find(db, "WHERE id = ? AND guest = 0", black_id);
  if (red.status != UserStatus::ok || black.status != UserStatus::ok || red_id == black_id) {
    update.status = red.status == UserStatus::error || black.status == UserStatus::error ? UserStatus::error
                                                                                          : UserStatus::not_found;
    sqlite_exec(db, "ROLLBACK");
    return update;
  }
  auto to_rating = [](const Glicko2& g) { return glicko2::Rating{g.rating, g.rd, g.volatility}; };
  auto from_rating = [](const glicko2::Rating& r) { return Glicko2{r.rating, r.deviation, r.volatility}; };
  auto [red_after, black_after] = glicko2::rate_game(to_rating(red.user.rating), to_rating(black.user.rating), red_score);
  SqliteStatement write(db,
                        "UPDATE users SET rating = ?, rating_rd = ?, rating_volatility = ?, "
                        "rated_games = rated_games + 1 WHERE id = ?");
  bool ok = write.ok();
  for (auto [id, r] : {std::pair{&red_id, red_after}, std::pair{&black_id, black_after}}) {
    if (!ok) break;
    sqlite3_bind_double(write.get(), 1, r.rating);
    sqlite3_bind_double(write.get(), 2, r.deviation);
    sqlite3_bind_double(write.get(), 3, r.volatility);
    write.bind(4, *id);
    ok = write.step() == SQLITE_DONE;
    sqlite3_reset(write.get());
  }
  if (!ok || !sqlite_exec(db, "COMMIT")) {
    sqlite_exec(db, "ROLLBACK");
    return update;
  }
  update.status = UserStatus::ok;
  update.red_before = red.user.rating;
  update.black_before = black.user.rating;
  update.red_after = from_rating(red_after);
  update.black_after = from_rating(black_after);
  return update;
}

}  // namespace

std::string UserDirectory::name_key(std::string_view name) {
  std::string key(name);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

void UserStore::submit(std::function<UserResult(sqlite3*)> job, Done done) {
  auto shared_done = std::make_shared<Done>(std::move(done));
  bool queued = db_.post([job = std::move(job), shared_done](sqlite3* db) { (*shared_done)(job(db)); });
  if (!queued) (*shared_done)(UserResult{});
}

void UserStore::create_user(NewUser user, Done done) {
  submit(
      [user = std::move(user)](sqlite3* db) {
        UserResult result;
        if (user.guest != user.password_hash.empty()) return result;  // a caller bug: refuse, say error
        SqliteStatement stmt(db,
                             "INSERT INTO users (id, name, name_key, password_hash, guest, created_at, rating, "
                             "rating_rd, rating_volatility) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
        if (!stmt.ok()) return result;
        auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
        stmt.bind(1, user.id);
        stmt.bind(2, user.name);
        stmt.bind(3, name_key(user.name));
        if (user.guest) {
          stmt.bind_null(4);
        } else {
          stmt.bind(4, user.password_hash);
        }
        stmt.bind(5, std::int64_t{user.guest ? 1 : 0});
        stmt.bind(6, std::int64_t{now});
        const Glicko2 start;  // lichess's defaults, not the columns' older ones
        sqlite3_bind_double(stmt.get(), 7, start.rating);
        sqlite3_bind_double(stmt.get(), 8, start.rd);
        sqlite3_bind_double(stmt.get(), 9, start.volatility);
        int rc = stmt.step();
        if (rc == SQLITE_DONE) {
          result.status = UserStatus::ok;
          result.user = User{user.id, user.name, user.guest, user.password_hash, Glicko2{}, now};
        } else if (rc == SQLITE_CONSTRAINT_UNIQUE && stmt.error().find("name_key") != std::string::npos) {
          result.status = UserStatus::name_taken;
        }
        return result;
      },
      std::move(done));
}

void UserStore::find_by_name(std::string name, Done done) {
  submit([key = name_key(name)](sqlite3* db) { return find(db, "WHERE name_key = ? AND guest = 0", key); },
         std::move(done));
}

void UserStore::find_by_id(std::string id, Done done) {
  submit([id = std::move(id)](sqlite3* db) { return find(db, "WHERE id = ?", id); }, std::move(done));
}

void UserStore::rate_game(std::string red_id, std::string black_id, double red_score,
                          std::function<void(RatingUpdate)> done) {
  auto shared = std::make_shared<std::function<void(RatingUpdate)>>(std::move(done));
  bool queued = db_.post([red_id = std::move(red_id), black_id = std::move(black_id), red_score, shared](sqlite3* db) {
    (*shared)(rate_in_transaction(db, red_id, black_id, red_score));
  });
  if (!queued) (*shared)(RatingUpdate{});
}

void UserStore::prune_guests(std::int64_t created_before, std::function<void(long long)> done) {
  auto shared = std::make_shared<std::function<void(long long)>>(std::move(done));
  bool queued = db_.post([created_before, shared](sqlite3* db) {
    SqliteStatement stmt(db, "DELETE FROM users WHERE guest = 1 AND created_at < ?");
    long long deleted = -1;
    if (stmt.ok()) {
      stmt.bind(1, created_before);
      if (stmt.step() == SQLITE_DONE) deleted = sqlite3_changes(db);
    }
    (*shared)(deleted);
  });
  if (!queued) (*shared)(-1);
}

void UserStore::leaderboard(int limit, std::function<void(LeaderboardResult)> done) {
  auto shared = std::make_shared<std::function<void(LeaderboardResult)>>(std::move(done));
  bool queued = db_.post([limit, shared](sqlite3* db) {
    LeaderboardResult result;
    SqliteStatement stmt(db, (std::string(kSelectColumns) +
                              "WHERE guest = 0 AND rated_games > 0 ORDER BY rating DESC, name_key LIMIT ?")
                                 .c_str());
    if (stmt.ok()) {
      stmt.bind(1, std::int64_t{limit});
      int rc;
      while ((rc = stmt.step()) == SQLITE_ROW) {
        User u = read_user(stmt);
        u.password_hash.clear();
        result.users.push_back(std::move(u));
      }
      if (rc == SQLITE_DONE) result.status = UserStatus::ok;
    }
    (*shared)(std::move(result));
  });
  if (!queued) (*shared)(LeaderboardResult{});
}

}  // namespace chuhe::persistence
