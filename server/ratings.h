#pragma once
// Ratings change when a rated game between two registered players ends: Glicko-2, each game its own
// rating period (as lichess rates), written by the UserDirectory (SQLite, or Redis in cluster mode). Casual games, games with a
// guest or the AI, and aborted games change nothing.
#include "persistence/user_directory.h"
#include "rooms/game_events.h"
#include "rooms/game_setup.h"

namespace chuhe::server {

// Whether `setup` ending with `end` changes ratings, and for red how (1, 0.5, 0); -1 if it does not.
double rated_score(const rooms::GameSetup& setup, const rooms::EndInfo& end);

// Submits the update if the game is rated (returns at once; the result is logged).
void rate_finished_game(persistence::UserDirectory& users, const rooms::GameSetup& setup, const rooms::EndInfo& end);

}  // namespace chuhe::server
