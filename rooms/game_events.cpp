#include "rooms/game_events.h"

#include <nlohmann/json.hpp>

namespace chuhe::rooms {

using json = nlohmann::json;

namespace {

json user_object(const User& user) {
  return {{"id", user.id}, {"name", user.name}, {"guest", user.guest}, {"rating", user.rating}};
}

json player_object(const Player& player) {
  if (const auto* user = std::get_if<User>(&player)) return user_object(*user);
  int level = std::get<AiSeat>(player).level;
  return {{"name", "AI level " + std::to_string(level)}, {"ai", true}, {"level", level}};
}

// Chat text and names come from users: replace invalid UTF-8 rather than throw.
std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json clocks_object(Clocks clocks) {
  return {{"red", clocks.red}, {"black", clocks.black}};
}

}  // namespace

std::string append_id(std::string text, std::string_view id) {
  if (id.empty() || text.empty()) return text;
  text.pop_back();  // the closing brace
  text += ",\"id\":";
  text += id;
  text += '}';
  return text;
}

std::string player_json(const Player& player) {
  return dump(player_object(player));
}

std::optional<Player> parse_player_json(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  try {
    if (j.value("ai", false)) {
      int level = j.at("level").get<int>();
      if (level < 1) return std::nullopt;
      return Player{AiSeat{level}};
    }
    User user;
    user.id = j.at("id").get<std::string>();
    user.name = j.at("name").get<std::string>();
    user.guest = j.value("guest", true);
    user.rating = j.value("rating", 1500);
    if (user.id.empty()) return std::nullopt;
    return Player{std::move(user)};
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::string write_spectators(std::string_view game, int count) {
  return dump(json{{"t", "spectators"}, {"game", game}, {"count", count}});
}

std::string write_game_start(const GameSetup& setup, std::optional<rules::Color> color) {
  json msg = {{"t", "game_start"}, {"game", setup.id}};
  if (color) msg["color"] = color_name(*color);
  msg["red"] = player_object(setup.red);
  msg["black"] = player_object(setup.black);
  msg["tc"] = setup.tc.text();
  msg["rated"] = setup.rated;
  msg["fen"] = setup.fen;
  return dump(msg);
}

std::string write_state(const GameView& view, std::optional<rules::Color> color) {
  json msg = {{"t", "state"},
              {"game", view.setup.id},
              {"fen", view.setup.fen},
              {"moves", view.moves},
              {"clocks", clocks_object(view.clocks)},
              {"status", view.end ? "ended" : "playing"}};
  if (view.end) {
    msg["result"] = view.end->result;
    msg["reason"] = view.end->reason;
  }
  msg["red"] = player_object(view.setup.red);
  msg["black"] = player_object(view.setup.black);
  msg["spectators"] = view.spectators;
  if (color) msg["color"] = color_name(*color);
  msg["tc"] = view.setup.tc.text();
  if (view.draw_offer) msg["draw_offer"] = color_name(*view.draw_offer);
  return dump(msg);
}

std::string write_move(std::string_view game, int ply, std::string_view iccs, std::string_view fen, Clocks clocks,
                       bool check) {
  std::string out;
  out.reserve(160 + fen.size());
  out += R"({"t":"move","game":")";
  out += game;
  out += R"(","ply":)";
  out += std::to_string(ply);
  out += R"(,"move":")";
  out += iccs;
  out += R"(","fen":")";
  out += fen;
  out += R"(","clocks":{"red":)";
  out += std::to_string(clocks.red);
  out += R"(,"black":)";
  out += std::to_string(clocks.black);
  out += R"(},"check":)";
  out += check ? "true" : "false";
  out += '}';
  return out;
}

std::string write_draw_offer(std::string_view game, rules::Color by) {
  return dump({{"t", "draw_offer"}, {"game", game}, {"by", color_name(by)}});
}

std::string write_draw_declined(std::string_view game, rules::Color by) {
  return dump({{"t", "draw_declined"}, {"game", game}, {"by", color_name(by)}});
}

std::string write_game_end(std::string_view game, const EndInfo& end) {
  return dump({{"t", "game_end"}, {"game", game}, {"result", end.result}, {"reason", end.reason}});
}

std::string write_chat(std::string_view game, const User& from, std::string_view text) {
  return dump({{"t", "chat"}, {"game", game}, {"from", user_object(from)}, {"text", text}});
}

std::string write_seeking(const TimeControl& tc) {
  return dump({{"t", "seeking"}, {"tc", tc.text()}});
}

}  // namespace chuhe::rooms
