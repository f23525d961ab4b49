#include "server/game_export.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "rooms/game_events.h"
#include "rules/position.h"

namespace chuhe::server {

using json = nlohmann::json;

namespace {

// Player JSON as stored (written by rooms::player_json); a damaged row shows as null, not an error.
json player(const std::string& stored) {
  json j = json::parse(stored, nullptr, false);
  return j.is_discarded() ? json() : j;
}

json nullable(const std::string& text) {
  return text.empty() ? json() : json(text);
}

json common_fields(const persistence::JournalGame& g, const std::string& status, const std::string& result,
                   const std::string& reason, std::int64_t ended_at_ms) {
  return {{"id", g.id},
          {"red", player(g.red)},
          {"black", player(g.black)},
          {"tc", g.tc},
          {"rated", g.rated},
          {"status", status},
          {"result", status == "ended" ? nullable(result) : json()},
          {"reason", status == "ended" ? nullable(reason) : json()},
          {"started_at", g.started_at_ms},
          {"ended_at", status == "ended" ? json(ended_at_ms) : json()}};
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// PGN tag values are quoted strings: backslash and quote escaped, no line breaks.
std::string tag(const std::string& name, std::string value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') escaped += '\\';
    escaped += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return "[" + name + " \"" + escaped + "\"]\n";
}

std::string player_name(const std::string& stored) {
  json j = player(stored);
  return j.is_object() ? j.value("name", "?") : "?";
}

std::string player_rating(const std::string& stored) {
  json j = player(stored);
  if (!j.is_object() || j.value("ai", false) || !j.contains("rating") || !j["rating"].is_number()) return "";
  return std::to_string(j["rating"].get<long long>());
}

std::string pgn_date(std::int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%Y.%m.%d", &tm);
  return out;
}

// "5+3" -> "300+3", PGN's seconds+increment form.
std::string pgn_time_control(const std::string& tc) {
  auto plus = tc.find('+');
  if (plus == std::string::npos) return tc;
  try {
    return std::to_string(std::stoi(tc.substr(0, plus)) * 60) + tc.substr(plus);
  } catch (const std::exception&) {
    return tc;
  }
}

// "h2e2" -> "H2-E2".
std::string iccs_move(const std::string& m) {
  if (m.size() != 4) return m;
  std::string out{static_cast<char>(std::toupper(static_cast<unsigned char>(m[0]))), m[1], '-',
                  static_cast<char>(std::toupper(static_cast<unsigned char>(m[2]))), m[3]};
  return out;
}

}  // namespace

std::string game_json(const persistence::JournaledGame& game) {
  json j = common_fields(game.game, game.status, game.result, game.reason, game.ended_at_ms);
  j["fen"] = game.game.initial_fen;
  json moves = json::array(), clocks = json::array();
  for (const auto& m : game.moves) {
    moves.push_back(m.iccs);
    clocks.push_back(m.clock_ms);
  }
  j["moves"] = std::move(moves);
  j["clocks"] = std::move(clocks);
  return dump(j);
}

std::string game_summary_json(const persistence::GameSummary& game) {
  json j = common_fields(game.game, game.status, game.result, game.reason, game.ended_at_ms);
  j["moves"] = game.moves;
  return dump(j);
}

std::string game_pgn(const persistence::JournaledGame& game) {
  const auto& g = game.game;
  const bool ended = game.status == "ended";
  const std::string result = ended && !game.result.empty() ? game.result : "*";
  std::string out;
  out += tag("Game", "Chinese Chess");
  out += tag("Event", std::string("Chuhe ") + (g.rated ? "rated" : "casual") + " game");
  out += tag("Site", "Chuhe");
  out += tag("Date", pgn_date(g.started_at_ms));
  out += tag("Round", "-");
  out += tag("Red", player_name(g.red));
  out += tag("Black", player_name(g.black));
  out += tag("Result", result);
  if (auto r = player_rating(g.red); !r.empty()) out += tag("RedElo", r);
  if (auto r = player_rating(g.black); !r.empty()) out += tag("BlackElo", r);
  out += tag("TimeControl", pgn_time_control(g.tc));
  out += tag("Termination", ended ? game.reason : "unterminated");
  out += tag("GameId", g.id);
  rules::Position start;
  const bool black_first = !start.set_fen(g.initial_fen) && start.side_to_move() == rules::Color::Black;
  if (g.initial_fen != rules::Position::kStartFen) out += tag("FEN", g.initial_fen);
  out += tag("Format", "ICCS");
  out += '\n';

  // Movetext: "1. H2-E2 H9-G7 2. ..." (a game Black starts opens "1. ..."), wrapped under 80 columns.
  std::string line;
  auto emit = [&](const std::string& token) {
    if (!line.empty() && line.size() + 1 + token.size() > 79) {
      out += line + '\n';
      line.clear();
    }
    line += (line.empty() ? "" : " ") + token;
  };
  for (std::size_t i = 0; i < game.moves.size(); ++i) {
    const std::size_t half = i + (black_first ? 1 : 0);
    if (half % 2 == 0) emit(std::to_string(half / 2 + 1) + ".");
    else if (i == 0) emit("1. ...");
    emit(iccs_move(game.moves[i].iccs));
  }
  emit(result);
  out += line + "\n";
  return out;
}

}  // namespace chuhe::server
