#include "persistence/user_store.h"

#include <chrono>
#include <memory>

#include "persistence/sqlite_statement.h"

namespace chuhe::persistence {
namespace {

constexpr const char* kSelectColumns =
    "SELECT id, name, guest, password_hash, rating, rating_rd, rating_volatility, created_at FROM users ";

UserResult read_one(SqliteStatement& stmt) {
  UserResult result;
  int rc = stmt.step();
  if (rc == SQLITE_DONE) {
    result.status = UserStatus::not_found;
  } else if (rc == SQLITE_ROW) {
    result.status = UserStatus::ok;
    User& u = result.user;
    u.id = stmt.text(0);
    u.name = stmt.text(1);
    u.guest = stmt.int64(2) != 0;
    u.password_hash = stmt.text(3);
    u.rating = Glicko2{stmt.real(4), stmt.real(5), stmt.real(6)};
    u.created_at = stmt.int64(7);
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

}  // namespace

std::string UserStore::name_key(std::string_view name) {
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
                             "INSERT INTO users (id, name, name_key, password_hash, guest, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)");
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

}  // namespace chuhe::persistence
