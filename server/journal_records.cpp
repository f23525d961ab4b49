#include "server/journal_records.h"

#include "rooms/game_events.h"

namespace chuhe::server {

persistence::JournalGame journal_game(const rooms::GameSetup& game) {
  persistence::JournalGame record;
  record.id = game.id;
  record.red = rooms::player_json(game.red);
  record.black = rooms::player_json(game.black);
  record.tc = game.tc.text();
  record.rated = game.rated;
  record.initial_fen = game.fen;
  return record;
}

persistence::JournalMove journal_move(const std::string& game_id, int ply, const std::string& iccs, long long clock_ms) {
  persistence::JournalMove move;
  move.game_id = game_id;
  move.ply = ply;
  move.iccs = iccs;
  move.clock_ms = clock_ms;
  return move;
}

}  // namespace chuhe::server
