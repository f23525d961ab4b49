#include "persistence/game_archive.h"

#include <memory>

namespace chuhe::persistence {

void SqliteGameArchive::find_game(std::string id, std::function<void(GameResult)> done) {
  auto shared = std::make_shared<std::function<void(GameResult)>>(std::move(done));
  bool queued = db_.post([id = std::move(id), shared](sqlite3* db) {
    std::string error;
    GameResult result;
    if (auto game = read_game(db, id, error)) {
      result.status = ArchiveStatus::ok;
      result.game = std::move(*game);
    } else {
      result.status = error.empty() ? ArchiveStatus::not_found : ArchiveStatus::error;
    }
    (*shared)(std::move(result));
  });
  if (!queued) (*shared)(GameResult{});
}

void SqliteGameArchive::user_games(std::string user_id, int offset, int limit, std::function<void(HistoryResult)> done) {
  auto shared = std::make_shared<std::function<void(HistoryResult)>>(std::move(done));
  bool queued = db_.post([user_id = std::move(user_id), offset, limit, shared](sqlite3* db) {
    std::string error;
    HistoryResult result;
    if (auto games = read_user_games(db, user_id, offset, limit, error)) {
      result.status = ArchiveStatus::ok;
      result.games = std::move(*games);
    }
    (*shared)(std::move(result));
  });
  if (!queued) (*shared)(HistoryResult{});
}

}  // namespace chuhe::persistence
