#pragma once
// Everything the rooms can be tuned with, in one plain struct the server fills from its config file.
// (The io executor is a constructor argument of the Hub, not a setting: this struct stays plain data.)
#include <chrono>
#include <cstddef>

#include "rooms/time_control.h"

namespace chuhe::rooms {

struct RoomsConfig {
  // A player with no live connection for this long loses the game ("abandoned"); `resume` within it
  // cancels. Long enough to ride out a phone switching networks, short enough not to stall the opponent.
  std::chrono::milliseconds reconnect_grace{60'000};
  // Time control of `challenge_ai` when the request names none.
  TimeControl default_ai_tc{10, 5};
  // Chat: at most `chat_lines` lines per user per game within any `chat_window`; more is rate_limited.
  int chat_lines = 5;
  std::chrono::milliseconds chat_window{10'000};
  // How long a finished game stays reachable for `watch` / `resume` (its final state) before it is dropped.
  std::chrono::milliseconds finished_retention{10 * 60'000};
  // Games one connection may spectate at once (net's max_watched_games).
  std::size_t max_watched_games = 32;
  // How often waiting seeks are matched again as their rating windows widen (the protocol pairs
  // compatible seeks within 1 s; the lobby's window opens fully at 0.8 s).
  std::chrono::milliseconds lobby_tick{200};
  // Spectator counts are pushed to a game's players and spectators ("spectators" message) at most this
  // often: a crowd arriving costs each recipient one message, not one per newcomer.
  std::chrono::milliseconds spectator_update{1'000};
  // The most games `GET /api/games/live` lists (the most watched first).
  std::size_t live_games_listed = 100;
};

}  // namespace chuhe::rooms
