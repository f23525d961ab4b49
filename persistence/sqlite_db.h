#pragma once
// SqliteDb: one SQLite connection (WAL mode) owned by one dedicated thread, fed by a bounded queue.
// Every statement runs on that thread, never on an io thread; stores (users, later games and ratings)
// post jobs to it and answer their callers from there.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>

#include "persistence/migrations.h"

struct sqlite3;

namespace chuhe::persistence {

struct SqliteOptions {
  std::filesystem::path path;        // the database file, e.g. <data dir>/archive.sqlite3
  std::size_t queue_limit = 4096;    // jobs waiting for the DB thread; more are refused
  int busy_timeout_ms = 5000;        // waiting for another process's write lock
  std::string synchronous = "NORMAL";  // WAL + NORMAL: durable against a process crash, not power loss
};

class SqliteDb {
 public:
  // Opens (creating it if needed) and migrates the database, then starts the DB thread. Startup only:
  // it blocks. Returns nullptr and sets `error` on failure.
  static std::unique_ptr<SqliteDb> open(const SqliteOptions& options, std::span<const Migration> migrations,
                                        std::string& error);
  // Runs every job still queued, then closes the database and joins the thread.
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Queues `job` to run on the DB thread with the connection. Returns false, without running it, when
  // the queue is full or the database is closing: the caller then answers its own caller with an error.
  bool post(std::function<void(sqlite3*)> job);

 private:
  SqliteDb(sqlite3* db, std::size_t queue_limit);
  void run();

  sqlite3* db_;
  const std::size_t queue_limit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void(sqlite3*)>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chuhe::persistence
