#pragma once
// GameJournal: the durable journal of games in play, in SQLite (its own file, WAL, synchronous=FULL).
//
// A game hands every move to the journal and broadcasts it only from the Done(true) callback, so a move
// anyone has seen is on disk before they see it (PROTOCOL.md: "a move that anyone has seen is never
// lost, even if the server is killed right after").
//
// One dedicated writer thread owns the connection. GROUP COMMIT: it takes everything queued (up to
// max_batch records), writes it in one transaction, COMMITs once (one fsync for the whole batch), then
// calls the batch's callbacks in submission order. While a COMMIT is waiting on the disk, new records
// queue up for the next batch, so under load the cost of an fsync is shared by many moves, and with a
// single game in play it is one fsync per move, with no artificial delay.
//
// Plain structs in, callbacks out: this library knows nothing about rooms/ (an adapter there implements
// rooms::Journal on top of it).
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "persistence/migrations.h"

struct sqlite3;

namespace chuhe::persistence {

// The journal database's own versioned schema (journal_migrations.cpp), separate from the archive's.
std::span<const Migration> journal_migrations();

struct JournalGame {
  std::string id;
  std::string red;           // the red player as protocol JSON text, stored as given
  std::string black;         // the black player, likewise
  std::string tc;            // time control, e.g. "5+3"
  bool rated = false;
  std::string initial_fen;
  std::int64_t started_at_ms = 0;  // Unix ms; 0: the journal fills in the submission time
};

struct JournalMove {
  std::string game_id;
  int ply = 0;               // 0-based; must be exactly one past the game's last journaled ply
  std::string iccs;          // canonical ICCS, e.g. "h2e2"
  std::int64_t clock_ms = 0; // the mover's remaining time after the move, increment included
  std::int64_t at_ms = 0;    // Unix ms; 0: the journal fills in the submission time
};

// A game as read back (recovery, archive).
struct JournaledGame {
  JournalGame game;
  std::string status;        // "playing" or "ended"
  std::string result;        // set once ended: "1-0", "0-1", "1/2-1/2", "*"
  std::string reason;        // the protocol's end reason
  std::int64_t ended_at_ms = 0;
  std::vector<JournalMove> moves;  // in ply order
};

struct GameJournalOptions {
  std::filesystem::path path;        // e.g. <data dir>/journal.sqlite3
  std::size_t queue_limit = 65536;   // records waiting for the writer; more are refused (durable=false)
  std::size_t max_batch = 1024;      // records per transaction at most (bounds a batch's latency)
  bool group_commit = true;          // false: one transaction (one fsync) per record, the bench baseline
  // FULL: every COMMIT fsyncs the WAL, durable against power loss, not only kill -9. NORMAL (durable
  // against a process crash only) is accepted for tools; the server keeps FULL.
  std::string synchronous = "FULL";
  int busy_timeout_ms = 5000;
};

// For /metrics. Counters are cumulative since open.
struct GameJournalStats {
  std::uint64_t records = 0;          // records the writer has handled (durable or not)
  std::uint64_t durable = 0;          // ... of which reported durable
  std::uint64_t refused = 0;          // refused at submission (queue full, closing)
  std::uint64_t commits = 0;          // COMMITs attempted (one per batch, or per record without grouping)
  std::uint64_t last_commit_us = 0;   // duration of the last COMMIT (the fsync), microseconds
  std::uint64_t total_commit_us = 0;
  std::uint64_t max_batch_seen = 0;   // the largest batch so far
  std::size_t queue_length = 0;       // records waiting now
};

class GameJournal {
 public:
  // Called exactly once per record. Normally on the journal's writer thread, after the COMMIT (or its
  // failure). A record refused at submission (queue full, journal closing) is answered at once, inside
  // the submitting call: the queue being full is exactly when we must not queue more work, and
  // rooms::Journal allows it. Keep callbacks short (post to your own strand): the next batch waits.
  using Done = std::function<void(bool durable)>;

  // Opens (creating it if needed) and migrates the journal, then starts the writer thread. Startup only:
  // it blocks. Returns nullptr and sets `error` on failure.
  static std::unique_ptr<GameJournal> open(const GameJournalOptions& options, std::string& error);
  // Writes and answers every record still queued, then closes and joins the writer.
  ~GameJournal();
  // Writes and answers every record still queued and stops the writer; later records are refused
  // (durable=false, answered at once). The server calls it before the io_context its callbacks post to
  // goes away. Idempotent; the destructor calls it too.
  void drain();
  GameJournal(const GameJournal&) = delete;
  GameJournal& operator=(const GameJournal&) = delete;

  // A game begins. Not durable if a game with this id already exists.
  void start_game(JournalGame game, Done done);
  // One move. Not durable (and not written) if the game is unknown, has ended, or `ply` is not exactly
  // the next ply (a duplicate or a gap); that fails this record only, never the rest of its batch.
  void append(JournalMove move, Done done);
  // The game ended. Not durable if the game is unknown or already ended.
  void finish(std::string game_id, std::string result, std::string reason, std::int64_t ended_at_ms, Done done);

  GameJournalStats stats() const;

  // Blocking reads on a separate connection (WAL lets them run beside the writer); they see every record
  // already reported durable. Startup recovery: every game still "playing", with its moves in ply order.
  std::vector<JournaledGame> load_unfinished(std::string* error = nullptr);
  // One game, playing or ended; nullopt if unknown (or on error, with `error` set).
  std::optional<JournaledGame> load_game(const std::string& id, std::string* error = nullptr);

 private:
  struct Finish {
    std::string game_id, result, reason;
    std::int64_t ended_at_ms = 0;
  };
  struct Record {
    std::variant<JournalGame, JournalMove, Finish> what;
    Done done;
  };
  struct Statements;

  GameJournal(sqlite3* writer, sqlite3* reader, const GameJournalOptions& options);
  void submit(Record record);
  void run();
  // Writes a batch and answers its callbacks. Group commit: one transaction; else one per record.
  void write_batch(std::vector<Record>& batch);
  // Executes one record inside the open transaction: 1 written, 0 refused (this record only), -1 the
  // database failed (the transaction is lost).
  int apply(const Record& record);
  bool commit_timed();

  sqlite3* writer_;
  sqlite3* reader_;
  std::mutex reader_mutex_;  // the reader connection serves one blocking load at a time
  const GameJournalOptions options_;
  std::unique_ptr<Statements> statements_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Record> queue_;
  bool stopping_ = false;
  GameJournalStats stats_;  // under mutex_
  std::thread thread_;
};

}  // namespace chuhe::persistence
