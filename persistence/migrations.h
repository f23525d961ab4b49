#pragma once
// Versioned schema of the archive database. The schema version lives in `PRAGMA user_version`; the
// migrations run in order, each in its own transaction, on every start until the database is current.
//
// To change the schema, append a Migration to the list in migrations.cpp with the next version number.
// Never edit or reorder one that has shipped: databases in the field have already applied it.
#include <span>
#include <string>

struct sqlite3;

namespace chuhe::persistence {

struct Migration {
  int version;      // 1, 2, 3 ... with no gaps: the list index plus one
  const char* what; // a short description, for errors
  const char* sql;  // one or more statements
};

// The archive's migrations: users now; games and ratings come later as further entries.
std::span<const Migration> archive_migrations();

// Brings `db` to the last version in `migrations`. Refuses a database newer than the list (a downgrade
// would run old code on a schema it does not know). Returns false and sets `error` on failure.
bool apply_migrations(sqlite3* db, std::span<const Migration> migrations, std::string& error);

// The database's PRAGMA user_version, or -1 on error.
int schema_version(sqlite3* db);

}  // namespace chuhe::persistence
