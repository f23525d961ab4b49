#pragma once
// GameArchive: the games kept for ever, for the HTTP API. The journal database is the archive: a game's
// row and moves stay there when it ends (status "ended", result, reason, end time). Queries run on the
// SqliteDb's own thread (a second connection to the journal file, which WAL lets read beside the
// journal's writer); callbacks run there too, so post back to your own executor.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "persistence/game_reads.h"
#include "persistence/sqlite_db.h"

namespace chuhe::persistence {

enum class ArchiveStatus { ok, not_found, error };

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

  explicit GameArchive(SqliteDb& db) : db_(db) {}

  void find_game(std::string id, std::function<void(GameResult)> done);
  void user_games(std::string user_id, int offset, int limit, std::function<void(HistoryResult)> done);

 private:
  SqliteDb& db_;
};

}  // namespace chuhe::persistence
