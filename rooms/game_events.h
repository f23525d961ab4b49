#pragma once
// The JSON of a game's events (server -> client), written once per event: the room shares the one
// buffer among all recipients. Field names and meanings follow PROTOCOL.md.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rooms/game_setup.h"

namespace chuhe::rooms {

// Remaining time of both sides, in milliseconds.
struct Clocks {
  long long red = 0;
  long long black = 0;
};

// How a game ended: result "1-0" / "0-1" / "1/2-1/2", or "*" for an aborted game (an extension of
// the protocol's results: nobody won and the game does not count).
struct EndInfo {
  std::string result;
  std::string reason;
};

// What `state` tells: the whole game as its room sees it now.
struct GameView {
  const GameSetup& setup;
  const std::vector<std::string>& moves;  // ICCS
  Clocks clocks;
  const EndInfo* end = nullptr;  // null while playing
  int spectators = 0;
  std::optional<rules::Color> draw_offer;  // a standing offer, by whom (extension field)
};

// Adds ,"id":<id> to a serialized object (id is JSON text; empty = unchanged).
std::string append_id(std::string json, std::string_view id);

std::string player_json(const Player& player);  // a user, or {"name","ai":true,"level"}
// The inverse of player_json (a game read back from the journal); nullopt if `text` is not one.
std::optional<Player> parse_player_json(std::string_view text);

// game_start: `color` is the recipient's seat (absent for spectators).
std::string write_game_start(const GameSetup& setup, std::optional<rules::Color> color);
// state: the protocol's fields plus `tc` and `draw_offer` (extensions); `color` as above.
std::string write_state(const GameView& view, std::optional<rules::Color> color);
// move: written by hand, on the hot path; every part is ours (game ids we made, canonical ICCS, FEN).
std::string write_move(std::string_view game, int ply, std::string_view iccs, std::string_view fen, Clocks clocks,
                       bool check);
std::string write_draw_offer(std::string_view game, rules::Color by);
std::string write_draw_declined(std::string_view game, rules::Color by);  // extension
std::string write_game_end(std::string_view game, const EndInfo& end);
std::string write_spectators(std::string_view game, int count);  // extension: the live spectator count
// chat: `from` is the sender as a user object.
std::string write_chat(std::string_view game, const User& from, std::string_view text);
std::string write_seeking(const TimeControl& tc);

}  // namespace chuhe::rooms
