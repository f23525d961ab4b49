#pragma once
// A game's records as the journals store them (persistence/ knows nothing of rooms/): shared by the SQLite
// journal of a single node and the Redis journal of a cluster.
#include <string>

#include "persistence/game_journal.h"
#include "rooms/game_setup.h"

namespace chuhe::server {

// The game's start: players as the protocol's JSON text, time control, initial position.
persistence::JournalGame journal_game(const rooms::GameSetup& game);
// One move (the time is filled in by the journal).
persistence::JournalMove journal_move(const std::string& game_id, int ply, const std::string& iccs, long long clock_ms);

}  // namespace chuhe::server
