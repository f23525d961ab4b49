#include "persistence/sqlite_db.h"

#include <sqlite3.h>

namespace chuhe::persistence {
namespace {

bool exec(sqlite3* db, const std::string& sql, std::string& error) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) == SQLITE_OK) return true;
  error = message != nullptr ? message : sqlite3_errmsg(db);
  sqlite3_free(message);
  return false;
}

}  // namespace

std::unique_ptr<SqliteDb> SqliteDb::open(const SqliteOptions& options, std::span<const Migration> migrations,
                                         std::string& error) {
  if (options.synchronous != "FULL" && options.synchronous != "NORMAL" && options.synchronous != "EXTRA") {
    error = "sqlite: synchronous must be NORMAL, FULL or EXTRA";
    return nullptr;
  }
  sqlite3* db = nullptr;
  // NOMUTEX: the connection is only ever used by one thread at a time (open here, then the DB thread).
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(options.path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    error = "sqlite: cannot open " + options.path.string() + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  std::string step_error;
  bool ok = exec(db, "PRAGMA journal_mode = WAL", step_error) &&
            exec(db, "PRAGMA synchronous = " + options.synchronous, step_error) &&
            exec(db, "PRAGMA foreign_keys = ON", step_error) && apply_migrations(db, migrations, step_error);
  if (!ok) {
    error = "sqlite: " + options.path.string() + ": " + step_error;
    sqlite3_close(db);
    return nullptr;
  }
  return std::unique_ptr<SqliteDb>(new SqliteDb(db, options.queue_limit));
}

SqliteDb::SqliteDb(sqlite3* db, std::size_t queue_limit)
    : db_(db), queue_limit_(queue_limit), thread_([this] { run(); }) {}

SqliteDb::~SqliteDb() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  sqlite3_close(db_);
}

bool SqliteDb::post(std::function<void(sqlite3*)> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= queue_limit_) return false;
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void SqliteDb::run() {
  for (;;) {
    std::function<void(sqlite3*)> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has run
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job(db_);
  }
}

}  // namespace chuhe::persistence
