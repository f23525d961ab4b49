#pragma once
// Startup recovery: the games that were in play when the server stopped (or was killed), read back
// from the move journal and handed to the Hub, which resumes them; their players `resume` as after
// any reconnect (PROTOCOL.md), and the time the server was down is charged to nobody.
#include <string>
#include <vector>

#include "persistence/game_journal.h"
#include "rooms/hub.h"

namespace chuhe::server {

struct Recovery {
  std::vector<rooms::Hub::RecoveredGame> games;
  std::vector<std::string> skipped;  // "ID: why" for rows this version cannot resume (left as they are)
};

// Pure conversion of journal rows (no I/O), so it is testable on its own.
Recovery recovered_games(const std::vector<persistence::JournaledGame>& rows);

}  // namespace chuhe::server
