#include "rooms/protocol_in.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace chuhe::rooms {

namespace {

using json = nlohmann::json;

// Thrown inside parsing only, caught in parse_client_message: keeps each field read to one line.
struct Bad {
  std::string message;
};

const json& field(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end()) throw Bad{std::string("missing field '") + name + "'"};
  return *it;
}

std::string string_field(const json& obj, const char* name, std::size_t max_length) {
  const json& value = field(obj, name);
  if (!value.is_string()) throw Bad{std::string("field '") + name + "' must be a string"};
  const auto& text = value.get_ref<const std::string&>();
  if (text.empty()) throw Bad{std::string("field '") + name + "' is empty"};
  if (text.size() > max_length) throw Bad{std::string("field '") + name + "' is too long"};
  return text;
}

long integer_field(const json& obj, const char* name, long min, long max) {
  const json& value = field(obj, name);
  if (!value.is_number_integer()) throw Bad{std::string("field '") + name + "' must be an integer"};
  long n = value.is_number_unsigned() ? static_cast<long>(std::min<std::uint64_t>(value.get<std::uint64_t>(), LONG_MAX))
                                      : value.get<long>();
  if (n < min || n > max) throw Bad{std::string("field '") + name + "' is out of range"};
  return n;
}

TimeControl tc_field(const json& obj, const char* name) {
  std::string text = string_field(obj, name, 16);
  auto tc = TimeControl::parse(text);
  if (!tc) throw Bad{std::string("field '") + name + "' must be a time control \"M+S\" (M<=180, S<=60)"};
  return *tc;
}

ClientIn parse_body(const json& msg, std::string_view type) {
  auto game = [&] { return string_field(msg, "game", kMaxGameIdLength); };
  if (type == "move") return in::Move{game(), string_field(msg, "move", 8), integer_field(msg, "ply", 0, 100000)};
  if (type == "ping") return in::Ping{};
  if (type == "seek") {
    in::Seek seek{tc_field(msg, "tc")};
    if (auto it = msg.find("rated"); it != msg.end()) {
      if (!it->is_boolean()) throw Bad{"field 'rated' must be true or false"};
      seek.rated = it->get<bool>();
    }
    return seek;
  }
  if (type == "cancel_seek") return in::CancelSeek{};
  if (type == "challenge_ai") {
    in::ChallengeAi challenge;
    // 1-8: alpha-beta, weakest to strongest; 9: MCTS with the policy/value network (ai/levels.h).
    challenge.level = static_cast<int>(integer_field(msg, "level", 1, 9));
    std::string color = string_field(msg, "color", 8);
    if (color == "red") challenge.color = ColorChoice::red;
    else if (color == "black") challenge.color = ColorChoice::black;
    else if (color == "random") challenge.color = ColorChoice::random;
    else throw Bad{"field 'color' must be red, black or random"};
    if (msg.contains("tc")) challenge.tc = tc_field(msg, "tc");
    return challenge;
  }
  if (type == "watch") return in::Watch{game()};
  if (type == "unwatch") return in::Unwatch{game()};
  if (type == "resume") return in::Resume{game()};
  if (type == "chat") {
    in::Chat chat{game(), string_field(msg, "text", kMaxChatLength)};
    return chat;
  }
  static constexpr std::pair<const char*, GameAction> actions[] = {{"resign", GameAction::resign},
                                                                   {"offer_draw", GameAction::offer_draw},
                                                                   {"accept_draw", GameAction::accept_draw},
                                                                   {"decline_draw", GameAction::decline_draw},
                                                                   {"abort", GameAction::abort}};
  for (const auto& [name, action] : actions)
    if (type == name) return in::Action{action, game()};
  throw Bad{"unknown message type '" + std::string(type.substr(0, 32)) + "'"};
}

}  // namespace

std::variant<ClientRequest, ParseError> parse_client_message(std::string_view text) {
  json msg = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (msg.is_discarded()) return ParseError{"malformed JSON", {}};
  if (!msg.is_object()) return ParseError{"a message must be a JSON object", {}};

  std::string id;
  if (auto it = msg.find("id"); it != msg.end()) {
    if (!(it->is_string() || it->is_number_integer())) return ParseError{"field 'id' must be a string or an integer", {}};
    id = it->dump(-1, ' ', false, json::error_handler_t::replace);
    if (id.size() > kMaxIdLength) return ParseError{"field 'id' is too long", {}};
  }
  auto t = msg.find("t");
  if (t == msg.end() || !t->is_string()) return ParseError{"missing field 't'", id};
  try {
    return ClientRequest{parse_body(msg, t->get_ref<const std::string&>()), id};
  } catch (const Bad& bad) {
    return ParseError{bad.message, id};
  }
}

const char* to_string(GameAction action) {
  switch (action) {
    case GameAction::resign: return "resign";
    case GameAction::offer_draw: return "offer_draw";
    case GameAction::accept_draw: return "accept_draw";
    case GameAction::decline_draw: return "decline_draw";
    case GameAction::abort: return "abort";
  }
  return "?";
}

}  // namespace chuhe::rooms
