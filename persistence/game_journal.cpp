#include "persistence/game_journal.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>

#include "persistence/game_reads.h"
#include "persistence/sqlite_connection.h"
#include "persistence/sqlite_statement.h"

namespace chuhe::persistence {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A constraint failure aborts only its own statement (SQLite's default ON CONFLICT ABORT): the
// transaction, and so the rest of the batch, goes on.
bool is_constraint(int rc) { return (rc & 0xff) == SQLITE_CONSTRAINT; }

}  // namespace

// The writer's prepared statements, compiled once: a batch of 1024 moves should not parse SQL 1024 times.
struct GameJournal::Statements {
  explicit Statements(sqlite3* db)
      : insert_game(db,
                    "INSERT INTO games (id, red, black, tc, rated, initial_fen, started_at, red_id, black_id) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                    "CASE WHEN json_valid(?2) THEN json_extract(?2, '$.id') END, "
                    "CASE WHEN json_valid(?3) THEN json_extract(?3, '$.id') END) "
                    "ON CONFLICT(id) DO NOTHING"),
        // Written only if the game is in play and this is exactly the next ply: a duplicate, a gap, or a
        // move after the end changes no row, and that record alone is refused.
        insert_move(db,
                    "INSERT INTO moves (game_id, ply, iccs, clock_ms, at) SELECT ?1, ?2, ?3, ?4, ?5 "
                    "WHERE EXISTS (SELECT 1 FROM games WHERE id = ?1 AND status = 'playing') "
                    "AND ?2 = (SELECT COALESCE(MAX(ply), -1) + 1 FROM moves WHERE game_id = ?1)"),
        finish_game(db,
                    "UPDATE games SET status = 'ended', result = ?2, reason = ?3, ended_at = ?4 "
                    "WHERE id = ?1 AND status = 'playing'"),
        begin(db, "BEGIN IMMEDIATE"),
        commit(db, "COMMIT") {}

  bool ok() const { return insert_game.ok() && insert_move.ok() && finish_game.ok() && begin.ok() && commit.ok(); }

  SqliteStatement insert_game, insert_move, finish_game, begin, commit;
};

std::unique_ptr<GameJournal> GameJournal::open(const GameJournalOptions& options, std::string& error) {
  if (!valid_synchronous(options.synchronous)) {
    error = "journal: synchronous must be NORMAL, FULL or EXTRA";
    return nullptr;
  }
  if (options.queue_limit == 0 || options.max_batch == 0) {
    error = "journal: queue_limit and max_batch must be positive";
    return nullptr;
  }
  // Each connection is used by one thread at a time: the writer's, and the reader under its mutex.
  sqlite3* writer =
      sqlite_open(options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, options.busy_timeout_ms, error);
  if (writer == nullptr) return nullptr;
  std::string step_error;
  if (!sqlite_configure(writer, options.synchronous, journal_migrations(), step_error)) {
    error = "journal: " + options.path.string() + ": " + step_error;
    sqlite3_close(writer);
    return nullptr;
  }
  // The reader opens after the writer has created and migrated the file.
  sqlite3* reader = sqlite_open(options.path, SQLITE_OPEN_READONLY, options.busy_timeout_ms, error);
  if (reader == nullptr) {
    sqlite3_close(writer);
    return nullptr;
  }
  std::unique_ptr<GameJournal> journal(new GameJournal(writer, reader, options));
  if (!journal->statements_->ok()) {
    error = std::string("journal: cannot prepare statements: ") + sqlite3_errmsg(writer);
    return nullptr;  // the destructor stops the (idle) writer and closes both connections
  }
  return journal;
}

GameJournal::GameJournal(sqlite3* writer, sqlite3* reader, const GameJournalOptions& options)
    : writer_(writer),
      reader_(reader),
      options_(options),
      statements_(std::make_unique<Statements>(writer)),
      thread_([this] { run(); }) {}

GameJournal::~GameJournal() {
  drain();
  statements_.reset();  // finalized before the connection closes, or sqlite3_close would refuse
  sqlite3_close(reader_);
  sqlite3_close(writer_);
}

void GameJournal::drain() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void GameJournal::start_game(JournalGame game, Done done) {
  if (game.started_at_ms == 0) game.started_at_ms = now_ms();
  submit(Record{std::move(game), std::move(done)});
}

void GameJournal::append(JournalMove move, Done done) {
  if (move.at_ms == 0) move.at_ms = now_ms();
  submit(Record{std::move(move), std::move(done)});
}

void GameJournal::finish(std::string game_id, std::string result, std::string reason, std::int64_t ended_at_ms,
                         Done done) {
  if (ended_at_ms == 0) ended_at_ms = now_ms();
  submit(Record{Finish{std::move(game_id), std::move(result), std::move(reason), ended_at_ms}, std::move(done)});
}

void GameJournal::submit(Record record) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < options_.queue_limit) {
      queue_.push_back(std::move(record));
      record.done = nullptr;
    } else {
      ++stats_.refused;
    }
  }
  if (record.done) {  // refused: answered here, outside the lock
    record.done(false);
    return;
  }
  wake_.notify_one();
}

GameJournalStats GameJournal::stats() const {
  std::lock_guard lock(mutex_);
  GameJournalStats s = stats_;
  s.queue_length = queue_.size();
  return s;
}

void GameJournal::run() {
  std::vector<Record> batch;
  for (;;) {
    batch.clear();
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has been answered
      // Everything that queued while the previous COMMIT was on the disk goes into this one.
      std::size_t n = std::min(queue_.size(), options_.max_batch);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    write_batch(batch);
  }
}

int GameJournal::apply(const Record& record) {
  SqliteStatement* stmt = nullptr;
  if (const auto* game = std::get_if<JournalGame>(&record.what)) {
    stmt = &statements_->insert_game;
    stmt->bind(1, game->id);
    stmt->bind(2, game->red);
    stmt->bind(3, game->black);
    stmt->bind(4, game->tc);
    stmt->bind(5, std::int64_t{game->rated ? 1 : 0});
    stmt->bind(6, game->initial_fen);
    stmt->bind(7, game->started_at_ms);
  } else if (const auto* move = std::get_if<JournalMove>(&record.what)) {
    stmt = &statements_->insert_move;
    stmt->bind(1, move->game_id);
    stmt->bind(2, std::int64_t{move->ply});
    stmt->bind(3, move->iccs);
    stmt->bind(4, move->clock_ms);
    stmt->bind(5, move->at_ms);
  } else {
    const auto& finish = std::get<Finish>(record.what);
    stmt = &statements_->finish_game;
    stmt->bind(1, finish.game_id);
    stmt->bind(2, finish.result);
    stmt->bind(3, finish.reason);
    stmt->bind(4, finish.ended_at_ms);
  }
  int rc = stmt->step();
  sqlite3_reset(stmt->get());
  sqlite3_clear_bindings(stmt->get());
  if (rc == SQLITE_DONE) return sqlite3_changes(writer_) > 0 ? 1 : 0;
  if (is_constraint(rc)) return 0;
  return -1;
}

bool GameJournal::commit_timed() {
  auto t0 = std::chrono::steady_clock::now();
  int rc = statements_->commit.step();
  sqlite3_reset(statements_->commit.get());
  auto us = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count());
  std::lock_guard lock(mutex_);
  ++stats_.commits;
  stats_.last_commit_us = us;
  stats_.total_commit_us += us;
  return rc == SQLITE_DONE;
}

void GameJournal::write_batch(std::vector<Record>& batch) {
  // Runs one transaction over records [first, last) and sets their outcomes; false for all of them if
  // the transaction as a whole failed (nothing of it is on disk then).
  std::vector<char> durable(batch.size(), 0);
  auto transaction = [&](std::size_t first, std::size_t last) {
    int rc = statements_->begin.step();
    sqlite3_reset(statements_->begin.get());
    if (rc != SQLITE_DONE) return;
    bool failed = false;
    for (std::size_t i = first; i < last && !failed; ++i) {
      int r = apply(batch[i]);
      failed = r < 0;
      durable[i] = r > 0;
    }
    if (failed || !commit_timed()) {
      // A failed COMMIT (e.g. an I/O error) may leave the transaction open; nothing of it is durable.
      if (sqlite3_get_autocommit(writer_) == 0) {
        sqlite_exec(writer_, "ROLLBACK");
      }
      std::fill(durable.begin() + static_cast<std::ptrdiff_t>(first),
                durable.begin() + static_cast<std::ptrdiff_t>(last), 0);
    }
  };
  auto answer = [&](std::size_t first, std::size_t last) {
    std::uint64_t ok = 0;
    for (std::size_t i = first; i < last; ++i) ok += durable[i] ? 1 : 0;
    {
      std::lock_guard lock(mutex_);
      stats_.records += last - first;
      stats_.durable += ok;
      stats_.max_batch_seen = std::max<std::uint64_t>(stats_.max_batch_seen, last - first);
    }
    for (std::size_t i = first; i < last; ++i) {
      // A throwing callback must not take the writer (and every other game's durability) down with it.
      try {
        if (batch[i].done) batch[i].done(durable[i] != 0);
      } catch (...) {
      }
    }
  };
  if (options_.group_commit) {
    transaction(0, batch.size());
    answer(0, batch.size());
  } else {
    for (std::size_t i = 0; i < batch.size(); ++i) {
      transaction(i, i + 1);
      answer(i, i + 1);
    }
  }
}

std::vector<JournaledGame> GameJournal::load_unfinished(std::string* error) {
  std::string local_error;
  std::lock_guard lock(reader_mutex_);
  return read_unfinished_games(reader_, error != nullptr ? *error : local_error);
}

std::optional<JournaledGame> GameJournal::load_game(const std::string& id, std::string* error) {
  std::string local_error;
  std::lock_guard lock(reader_mutex_);
  return read_game(reader_, id, error != nullptr ? *error : local_error);
}

}  // namespace chuhe::persistence
