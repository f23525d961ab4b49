#pragma once
// Opening and configuring our SQLite connections, and running plain SQL (internal to persistence/): the
// archive (SqliteDb), the move journal and their readers all open, configure and migrate the same way.
#include <filesystem>
#include <span>
#include <string>

#include "persistence/migrations.h"

struct sqlite3;

namespace chuhe::persistence {

// Runs `sql` (statements without results); on failure sets `*error` (when given) to SQLite's message.
bool sqlite_exec(sqlite3* db, const std::string& sql, std::string* error = nullptr);

// Opens `path` with `flags` (SQLITE_OPEN_*; NOMUTEX is added: each connection is used by one thread at a
// time), a busy timeout and extended result codes. nullptr with `error` set on failure.
sqlite3* sqlite_open(const std::filesystem::path& path, int flags, int busy_timeout_ms, std::string& error);

// The synchronous levels we accept (FULL, NORMAL, EXTRA).
bool valid_synchronous(const std::string& level);

// WAL, the given synchronous level, foreign keys on, then `migrations`; false with `error` set on failure.
bool sqlite_configure(sqlite3* db, const std::string& synchronous, std::span<const Migration> migrations,
                      std::string& error);

}  // namespace chuhe::persistence
