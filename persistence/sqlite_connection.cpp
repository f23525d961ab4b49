#include "persistence/sqlite_connection.h"

#include <sqlite3.h>

namespace chuhe::persistence {

bool sqlite_exec(sqlite3* db, const std::string& sql, std::string* error) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return true;
  if (error != nullptr) *error = message != nullptr ? message : sqlite3_errmsg(db);
  sqlite3_free(message);
  return false;
}

sqlite3* sqlite_open(const std::filesystem::path& path, int flags, int busy_timeout_ms, std::string& error) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    error = "sqlite: cannot open " + path.string() + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  return db;
}

bool valid_synchronous(const std::string& level) {
  return level == "FULL" || level == "NORMAL" || level == "EXTRA";
}

bool sqlite_configure(sqlite3* db, const std::string& synchronous, std::span<const Migration> migrations,
                      std::string& error) {
  return sqlite_exec(db, "PRAGMA journal_mode = WAL", &error) &&
         sqlite_exec(db, "PRAGMA synchronous = " + synchronous, &error) &&
         sqlite_exec(db, "PRAGMA foreign_keys = ON", &error) && apply_migrations(db, migrations, error);
}

}  // namespace chuhe::persistence
