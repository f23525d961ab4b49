#pragma once
// GameArchive: the games kept for ever, for the HTTP API. On a single node the journal database is the
// archive (SqliteGameArchive): a game's row and moves stay there when it ends (status "ended", result,
// reason, end time); queries run on the SqliteDb's own thread (a second connection to the journal file,
// which WAL lets read beside the journal's writer). In cluster mode every node reads the games from
// Redis instead (persistence/redis_game_archive.h), so any node answers for any game.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "persistence/game_reads.h"
#include "persistence/sqlite_db.h"

namespace chuhe::persistence {

enum class ArchiveStatus { ok, not_found, error };

// The archive as the HTTP API reads it. Callbacks run on the implementation's thread (a DB thread, or the
// Redis client's): post back to your own executor.
class GameArchive {
 public:
  struct GameResult {
    ArchiveStatus status = ArchiveStatus::error;
    JournaledGame game;  // when ok
  };
  struct HistoryResult {
    ArchiveStatus status = ArchiveStatus::error;
    std::vector<GameSummary> games;  // when ok: newest first
  };

  virtual ~GameArchive() = default;
  virtual void find_game(std::string id, std::function<void(GameResult)> done) = 0;
  // The games `user_id` played or plays (either colour), newest start first, `limit` after `offset`.
  virtual void user_games(std::string user_id, int offset, int limit, std::function<void(HistoryResult)> done) = 0;
};

// A single node's archive: the SQLite journal database.
class SqliteGameArchive final : public GameArchive {
 public:
  explicit SqliteGameArchive(SqliteDb& db) : db_(db) {}

  void find_game(std::string id, std::function<void(GameResult)> done) override;
  void user_games(std::string user_id, int offset, int limit, std::function<void(HistoryResult)> done) override;

 private:
  SqliteDb& db_;
};

}  // namespace chuhe::persistence
