#include "server/sqlite_journal.h"

#include "server/journal_records.h"

namespace chuhe::server {

void SqliteJournal::start(const rooms::GameSetup& game, Done done) {
  journal_->start_game(journal_game(game), std::move(done));
}

void SqliteJournal::append(const std::string& game_id, int ply, const std::string& iccs, long long clock_ms,
                           Done done) {
  journal_->append(journal_move(game_id, ply, iccs, clock_ms), std::move(done));
}

void SqliteJournal::finish(const std::string& game_id, std::string_view result, std::string_view reason, Done done) {
  journal_->finish(game_id, std::string(result), std::string(reason), 0, std::move(done));
}

}  // namespace chuhe::server
