#pragma once
// RedisJournal: the journal of games in play kept in Redis, so that when a node dies another node can load
// its games and go on (DESIGN.md, "Scale"). The same records and promises as GameJournal (SQLite), with the
// same structs (game_journal.h), so either can sit behind rooms::Journal: a game broadcasts a move only from
// its Done(true) callback.
//
// DURABILITY: Done(true) means Redis executed the write and answered. That is on disk only if the Redis
// server runs with `appendonly yes` and `appendfsync always` (Redis then fsyncs the AOF before it sends
// the reply). With `appendfsync everysec` up to a second of acknowledged moves can be lost in a power cut
// or a Redis crash. A replica does not make it durable either (replication is asynchronous).
//
// FENCING: every write carries the writer's LeaseHolder (node, token from GameLease::acquire) and one Lua
// script per write refuses it unless the game's lease key holds exactly that owner, so a node that lost
// its lease (stalled, partitioned, SIGSTOPped past it) cannot write after resuming. A write refused that
// way answers Done(false) and calls on_fenced(game_id): the node must drop the game, it is no longer its.
//
// Keys (ClusterKeys, shared with GameLease):
//   <prefix>game:{id}    hash: red, black, tc, rated, initial_fen, started_at_ms, status ("playing" /
//                        "ended"), result, reason, ended_at_ms
//   <prefix>moves:{id}   stream, one entry per ply in order: ply, iccs, clock_ms, at_ms
//   <prefix>games:live   set of ids in play (start adds, finish removes); GameLease::orphans reads it
//   <prefix>user-games:{user}  sorted set: each player's game ids by start time (the shared history)
// finish() also releases the lease, bumps the fence counter (no earlier token can write or revive the
// lease) and, if finished_ttl > 0, lets the game's keys expire after it. A cluster keeps them (ttl 0):
// Redis is then the archive every node reads (redis_game_archive.h).
//
// Each write is one EVAL on the RedisClient (whose thread runs commands one at a time, in order): the
// records of one game submitted from one thread keep their order. Callbacks run on the RedisClient's
// thread. Thread-safe; no call blocks. The RedisClient must outlive the journal's calls (it answers every
// pending request when destroyed); the journal itself may go first.
//
// An `unavailable` reply (Redis down, timeout) answers Done(false) but the outcome is unknown: the write
// may have been applied. A node that got one should reload the game (load_game) before going on; a blind
// retry of the same ply is refused as a duplicate if the first attempt did land.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "persistence/cluster_lease.h"
#include "persistence/game_journal.h"
#include "persistence/redis_client.h"

namespace chuhe::persistence {

struct RedisJournalOptions {
  ClusterKeys keys;
  // After finish(), the game's keys (hash, stream, fence counter) expire after this; 0: kept forever.
  std::chrono::milliseconds finished_ttl{std::chrono::hours(24)};
};

struct RedisJournalStats {
  std::uint64_t durable = 0;      // writes acknowledged
  std::uint64_t fenced = 0;       // refused: the lease is not the writer's
  std::uint64_t rejected = 0;     // refused: unknown/ended/duplicate game, ply gap or duplicate
  std::uint64_t unavailable = 0;  // Redis could not be asked (outcome unknown)
};

class RedisJournal {
 public:
  using Done = std::function<void(bool durable)>;

  explicit RedisJournal(RedisClient& client, RedisJournalOptions options = {});
  RedisJournal(const RedisJournal&) = delete;
  RedisJournal& operator=(const RedisJournal&) = delete;

  // A game begins: the hash written with status "playing", the id added to the live set. Not durable if
  // the writer does not hold the lease or the game already exists. started_at_ms 0: now.
  void start_game(const LeaseHolder& writer, JournalGame game, Done done);
  // One move, appended to the stream. Not durable if the writer does not hold the lease, the game is
  // unknown or ended, or move.ply is not exactly the stream's length (a gap or a duplicate). at_ms 0: now.
  void append(const LeaseHolder& writer, JournalMove move, Done done);
  // The game ended (see the header comment for what else finish does). Not durable if the writer does not
  // hold the lease or the game is unknown or already ended. ended_at_ms 0: now.
  void finish(const LeaseHolder& writer, std::string game_id, std::string result, std::string reason,
              std::int64_t ended_at_ms, Done done);

  // One game, playing or ended, read atomically (one script); nullopt if unknown or Redis unavailable.
  void load_game(const std::string& id, std::function<void(std::optional<JournaledGame>)> done);

  // Called (on the RedisClient thread, before that write's Done) whenever a write is refused because the
  // lease is not the writer's. Set it once, before the first write.
  void on_fenced(std::function<void(const std::string& game_id)> callback);

  RedisJournalStats stats() const;
  const RedisJournalOptions& options() const { return options_; }

 private:
  void run(std::vector<std::string> args, std::string game_id, Done done);

  // Shared with the callbacks in flight, so the journal may be destroyed before its RedisClient.
  struct Shared {
    std::mutex mutex;  // guards on_fenced
    std::function<void(const std::string&)> on_fenced;
    std::atomic<std::uint64_t> durable{0}, fenced{0}, rejected{0}, unavailable{0};
  };

  RedisClient& client_;
  const RedisJournalOptions options_;
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

// Fills `g` from a game hash's HGETALL (field, value, field, value, ...).
void read_game_fields(const std::vector<RedisReply>& fields, JournaledGame& g);

}  // namespace chuhe::persistence
