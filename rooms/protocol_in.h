#pragma once
// Client -> server messages of the protocol (docs/protocol.md), as a closed set of small structs.
// One parse function turns a text frame into one of them or into a precise error.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "rooms/time_control.h"

namespace chuhe::rooms {

enum class ColorChoice { red, black, random };
enum class GameAction { resign, offer_draw, accept_draw, decline_draw, abort };

namespace in {
struct Seek { TimeControl tc; bool rated = false; };
struct CancelSeek {};
struct ChallengeAi { int level = 1; ColorChoice color = ColorChoice::random; std::optional<TimeControl> tc; };
struct Watch { std::string game; };
struct Unwatch { std::string game; };
struct Move { std::string game; std::string move; long ply = 0; };
struct Action { GameAction action; std::string game; };
struct Chat { std::string game; std::string text; };
struct Resume { std::string game; };
struct Ping {};
}  // namespace in

using ClientIn = std::variant<in::Seek, in::CancelSeek, in::ChallengeAi, in::Watch, in::Unwatch, in::Move,
                              in::Action, in::Chat, in::Resume, in::Ping>;

struct ClientRequest {
  ClientIn message;
  std::string id;  // the client's "id" as JSON text (e.g. "7" or "\"a1\""), echoed on the answer; empty if none
};

struct ParseError {
  std::string message;  // what is wrong, for the error's "message"
  std::string id;       // the "id", if one could be read, so even a refusal can be matched
};

// Limits on what a client may send inside a message.
inline constexpr std::size_t kMaxChatLength = 300;  // bytes of UTF-8 in one chat line
inline constexpr std::size_t kMaxIdLength = 64;     // bytes of the echoed id
inline constexpr std::size_t kMaxGameIdLength = 64;

std::variant<ClientRequest, ParseError> parse_client_message(std::string_view text);

const char* to_string(GameAction action);

}  // namespace chuhe::rooms
