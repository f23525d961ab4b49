#include "server/sqlite_journal.h"

#include "rooms/game_events.h"

namespace chuhe::server {

void SqliteJournal::start(const rooms::GameSetup& game, Done done) {
  persistence::JournalGame record;
  record.id = game.id;
  record.red = rooms::player_json(game.red);
  record.black = rooms::player_json(game.black);
  record.tc = game.tc.text();
  record.rated = game.rated;
  record.initial_fen = game.fen;
  journal_->start_game(std::move(record), std::move(done));
}

void SqliteJournal::append(const std::string& game_id, int ply, const std::string& iccs, long long clock_ms,
                           Done done) {
  persistence::JournalMove move;
  move.game_id = game_id;
  move.ply = ply;
  move.iccs = iccs;
  move.clock_ms = clock_ms;
  journal_->append(std::move(move), std::move(done));
}

void SqliteJournal::finish(const std::string& game_id, std::string_view result, std::string_view reason, Done done) {
  journal_->finish(game_id, std::string(result), std::string(reason), 0, std::move(done));
}

}  // namespace chuhe::server
