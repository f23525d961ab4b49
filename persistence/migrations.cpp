#include "persistence/migrations.h"

#include <sqlite3.h>

#include "persistence/sqlite_connection.h"

#include <array>

namespace chuhe::persistence {
namespace {

constexpr std::array kArchiveMigrations = {
    Migration{1, "users",
              // Guests are stored too, so that games and ratings can refer to any player by id. Only
              // registered names are unique (case-insensitively, through name_key); guest names may repeat.
              // A password hash is present exactly for registered users. Ratings are Glicko-2.
              R"sql(
CREATE TABLE users (
  id                TEXT PRIMARY KEY,
  name              TEXT NOT NULL,
  name_key          TEXT NOT NULL,
  password_hash     TEXT,
  guest             INTEGER NOT NULL DEFAULT 0 CHECK (guest IN (0, 1)),
  rating            REAL NOT NULL DEFAULT 1500,
  rating_rd         REAL NOT NULL DEFAULT 350,
  rating_volatility REAL NOT NULL DEFAULT 0.06,
  created_at        INTEGER NOT NULL,
  CHECK ((guest = 1) = (password_hash IS NULL))
);
CREATE UNIQUE INDEX users_registered_name ON users(name_key) WHERE guest = 0;
)sql"},
    Migration{2, "rated games and the leaderboard",
              // rated_games counts a player's rated games (the leaderboard lists only players who have
              // one). New players start at lichess's Glicko-2 defaults (1500, RD 500, volatility 0.09,
              // persistence/glicko2.h); nobody had played a rated game before this migration, so every
              // row is brought to them.
              R"sql(
ALTER TABLE users ADD COLUMN rated_games INTEGER NOT NULL DEFAULT 0;
UPDATE users SET rating = 1500, rating_rd = 500, rating_volatility = 0.09 WHERE rated_games = 0;
CREATE INDEX users_leaderboard ON users(rating DESC) WHERE guest = 0 AND rated_games > 0;
)sql"},
};

}  // namespace

std::span<const Migration> archive_migrations() { return kArchiveMigrations; }

int schema_version(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  int version = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    version = sqlite3_column_int(stmt, 0);
  }
  sqlite3_finalize(stmt);
  return version;
}

bool apply_migrations(sqlite3* db, std::span<const Migration> migrations, std::string& error) {
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i) + 1) {
      error = "migration list out of order at '" + std::string(migrations[i].what) + "'";
      return false;
    }
  }
  int current = schema_version(db);
  if (current < 0) {
    error = "cannot read schema version";
    return false;
  }
  if (current > static_cast<int>(migrations.size())) {
    error = "database schema version " + std::to_string(current) + " is newer than this program's " +
            std::to_string(migrations.size());
    return false;
  }
  for (const Migration& m : migrations.subspan(static_cast<std::size_t>(current))) {
    // BEGIN IMMEDIATE takes the write lock first, so two processes starting at once cannot both migrate.
    if (!sqlite_exec(db, "BEGIN IMMEDIATE", &error)) return false;
    if (schema_version(db) >= m.version) {  // another process got there first
      sqlite_exec(db, "ROLLBACK", &error);
      continue;
    }
    std::string pragma = "PRAGMA user_version = " + std::to_string(m.version);
    if (!sqlite_exec(db, m.sql, &error) || !sqlite_exec(db, pragma, &error)) {
      sqlite_exec(db, "ROLLBACK");
      error = "migration " + std::to_string(m.version) + " (" + m.what + ") failed: " + error;
      return false;
    }
    if (!sqlite_exec(db, "COMMIT", &error)) return false;
  }
  return true;
}

}  // namespace chuhe::persistence
