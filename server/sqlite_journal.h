#pragma once
// The rooms' Journal on the SQLite move journal of persistence/: a game's move is acknowledged (and
// only then broadcast) once its group commit is on disk.
#include <memory>

#include "persistence/game_journal.h"
#include "rooms/journal.h"

namespace chuhe::server {

class SqliteJournal : public rooms::Journal {
 public:
  explicit SqliteJournal(std::shared_ptr<persistence::GameJournal> journal) : journal_(std::move(journal)) {}

  void start(const rooms::GameSetup& game, Done done) override;
  void append(const std::string& game_id, int ply, const std::string& iccs, long long clock_ms, Done done) override;
  void finish(const std::string& game_id, std::string_view result, std::string_view reason, Done done) override;

 private:
  std::shared_ptr<persistence::GameJournal> journal_;
};

}  // namespace chuhe::server
