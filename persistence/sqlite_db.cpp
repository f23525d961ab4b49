#include "persistence/sqlite_db.h"

#include <sqlite3.h>

#include "persistence/sqlite_connection.h"

namespace chuhe::persistence {
std::unique_ptr<SqliteDb> SqliteDb::open(const SqliteOptions& options, std::span<const Migration> migrations,
                                         std::string& error) {
  if (!valid_synchronous(options.synchronous)) {
    error = "sqlite: synchronous must be NORMAL, FULL or EXTRA";
    return nullptr;
  }
  // The connection is used by one thread at a time (opened here, then the DB thread's).
  sqlite3* db = sqlite_open(options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options.busy_timeout_ms, error);
  if (db == nullptr) return nullptr;
  std::string step_error;
  if (!sqlite_configure(db, options.synchronous, migrations, step_error)) {
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
