#pragma once
// Who plays a game, under which time control, from which position: fixed when the game is created.
#include <string>
#include <variant>

#include "rooms/client.h"
#include "rooms/time_control.h"
#include "rules/position.h"
#include "rules/types.h"

namespace chuhe::rooms {

// A seat played by the server's AI at a difficulty level 1-8 (alpha-beta), or 9 (MCTS with the network).
struct AiSeat {
  int level = 1;
};

// A seat is a human user or the AI.
using Player = std::variant<User, AiSeat>;

inline bool is_ai(const Player& player) {
  return std::holds_alternative<AiSeat>(player);
}

struct GameSetup {
  std::string id;  // opaque, unique while the game is reachable
  Player red;
  Player black;
  TimeControl tc;
  bool rated = false;
  std::string fen{rules::Position::kStartFen};  // the initial position

  const Player& player(rules::Color c) const { return c == rules::Color::Red ? red : black; }
};

inline const char* color_name(rules::Color c) {
  return c == rules::Color::Red ? "red" : "black";
}

}  // namespace chuhe::rooms
