#include "server/recovery.h"

#include "rooms/game_events.h"
#include "rooms/time_control.h"

namespace chuhe::server {

Recovery recovered_games(const std::vector<persistence::JournaledGame>& rows) {
  Recovery out;
  for (const auto& row : rows) {
    auto red = rooms::parse_player_json(row.game.red);
    auto black = rooms::parse_player_json(row.game.black);
    auto tc = rooms::TimeControl::parse(row.game.tc);
    if (!red || !black || !tc) {
      out.skipped.push_back(row.game.id + ": unreadable players or time control");
      continue;
    }
    rooms::Hub::RecoveredGame game;
    game.setup.id = row.game.id;
    game.setup.red = std::move(*red);
    game.setup.black = std::move(*black);
    game.setup.tc = *tc;
    game.setup.rated = row.game.rated;
    game.setup.fen = row.game.initial_fen;
    game.moves.reserve(row.moves.size());
    for (const auto& m : row.moves) game.moves.push_back({m.iccs, m.clock_ms});
    out.games.push_back(std::move(game));
  }
  return out;
}

}  // namespace chuhe::server
