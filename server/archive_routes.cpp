// The archive over HTTP: one game (JSON and PGN-style export), a player's games (paged, newest first)
// and the leaderboard. Every query runs on a DB thread; the answer comes back through `reply`.
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "server/game_export.h"
#include "server/routes.h"

namespace chuhe::server {

namespace http = boost::beast::http;
using json = nlohmann::json;

namespace {

constexpr int kDefaultPage = 20;
constexpr int kMaxPage = 100;
constexpr int kMaxOffset = 1000000;
constexpr int kDefaultLeaderboard = 50;
constexpr int kMaxLeaderboard = 200;

// The value of `name` in the query string ("" if absent); no percent-decoding: every parameter here is
// an integer.
std::optional<std::string_view> query_param(std::string_view target, std::string_view name) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return std::nullopt;
}

// An integer parameter within [low, high]; `fallback` when absent; nullopt (a 400) when malformed.
std::optional<int> int_param(std::string_view target, std::string_view name, int fallback, int low, int high) {
  auto text = query_param(target, name);
  if (!text) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < low || value > high) return std::nullopt;
  return value;
}

std::string_view path_of(const net::Request& req) {
  std::string_view target = req.target();
  return target.substr(0, target.find('?'));
}

// The game ids we create are 8 letters and digits; anything else cannot be one (and is not looked up).
bool plausible_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

net::Response unavailable(const net::Request& req) {
  auto res = net::error_response(req, 503, "unavailable", "the archive is busy; try again");
  res.set(http::field::retry_after, "1");
  return res;
}

void get_game(const net::Request& req, std::string_view rest, persistence::GameArchive& games, net::Reply reply) {
  bool pgn = false;
  std::string_view id = rest;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    if (rest.substr(slash) != "/export") return reply(net::error_response(req, 404, "not_found", "no such resource"));
    pgn = true;
    id = rest.substr(0, slash);
  }
  if (!plausible_id(id)) return reply(net::error_response(req, 404, "not_found", "no such game"));
  auto shared = std::make_shared<net::Request>(req);
  games.find_game(std::string(id), [shared, pgn, reply = std::move(reply)](persistence::GameArchive::GameResult r) {
    if (r.status == persistence::ArchiveStatus::not_found)
      return reply(net::error_response(*shared, 404, "not_found", "no such game"));
    if (r.status != persistence::ArchiveStatus::ok) return reply(unavailable(*shared));
    if (!pgn) return reply(net::json_response(*shared, 200, game_json(r.game)));
    net::Response res = net::json_response(*shared, 200, game_pgn(r.game));
    res.set(http::field::content_type, "application/x-chess-pgn; charset=utf-8");
    res.set(http::field::content_disposition, "attachment; filename=\"chuhe-" + r.game.game.id + ".pgn\"");
    reply(std::move(res));
  });
}

json user_json(const persistence::User& u) {
  return {{"id", u.id},
          {"name", u.name},
          {"guest", u.guest},
          {"rating", std::lround(u.rating.rating)},
          {"rd", std::lround(u.rating.rd)},
          {"rated_games", u.rated_games}};
}

void get_user_games(const net::Request& req, std::string_view rest, persistence::UserDirectory& users,
                    persistence::GameArchive& games, net::Reply reply) {
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || rest.substr(slash) != "/games")
    return reply(net::error_response(req, 404, "not_found", "no such resource"));
  std::string name(rest.substr(0, slash));
  auto offset = int_param(req.target(), "offset", 0, 0, kMaxOffset);
  auto limit = int_param(req.target(), "limit", kDefaultPage, 1, kMaxPage);
  if (!offset || !limit)
    return reply(net::error_response(req, 400, "bad_request",
                                     "offset must be an integer 0-" + std::to_string(kMaxOffset) +
                                         " and limit an integer 1-" + std::to_string(kMaxPage)));
  if (name.empty() || name.size() > 64) return reply(net::error_response(req, 404, "not_found", "no such user"));
  auto shared = std::make_shared<net::Request>(req);
  auto list = [shared, &games, offset = *offset, limit = *limit, reply](persistence::User user) {
    games.user_games(user.id, offset, limit, [shared, user, offset, limit, reply](persistence::GameArchive::HistoryResult r) {
      if (r.status != persistence::ArchiveStatus::ok) return reply(unavailable(*shared));
      std::string body = R"({"user":)" + user_json(user).dump() + R"(,"offset":)" + std::to_string(offset) +
                         R"(,"limit":)" + std::to_string(limit) + R"(,"next":)" +
                         (static_cast<int>(r.games.size()) == limit ? std::to_string(offset + limit) : "null") +
                         R"(,"games":[)";
      for (std::size_t i = 0; i < r.games.size(); ++i) body += (i ? "," : "") + game_summary_json(r.games[i]);
      body += "]}";
      reply(net::json_response(*shared, 200, std::move(body)));
    });
  };
  // A registered name first; a guest (whose name is not unique) by its id.
  users.find_by_name(name, [shared, name, &users, list, reply](persistence::UserResult r) {
    if (r.status == persistence::UserStatus::ok) return list(std::move(r.user));
    if (r.status != persistence::UserStatus::not_found) return reply(unavailable(*shared));
    users.find_by_id(name, [shared, list, reply](persistence::UserResult by_id) {
      if (by_id.status == persistence::UserStatus::ok) return list(std::move(by_id.user));
      if (by_id.status == persistence::UserStatus::not_found)
        return reply(net::error_response(*shared, 404, "not_found", "no such user"));
      reply(unavailable(*shared));
    });
  });
}

void get_leaderboard(const net::Request& req, persistence::UserDirectory& users, net::Reply reply) {
  auto limit = int_param(req.target(), "limit", kDefaultLeaderboard, 1, kMaxLeaderboard);
  if (!limit)
    return reply(net::error_response(req, 400, "bad_request",
                                     "limit must be an integer 1-" + std::to_string(kMaxLeaderboard)));
  auto shared = std::make_shared<net::Request>(req);
  users.leaderboard(*limit, [shared, reply = std::move(reply)](persistence::LeaderboardResult r) {
    if (r.status != persistence::UserStatus::ok) return reply(unavailable(*shared));
    json players = json::array();
    for (std::size_t i = 0; i < r.users.size(); ++i) {
      json p = user_json(r.users[i]);
      p["rank"] = i + 1;
      players.push_back(std::move(p));
    }
    reply(net::json_response(*shared, 200, json{{"players", std::move(players)}}.dump(-1, ' ', false, json::error_handler_t::replace)));
  });
}

}  // namespace

void add_archive_routes(net::Router& router, Services& services) {
  persistence::GameArchive* games = services.games.get();
  persistence::UserDirectory* users = services.users.get();
  // Registered after /api/games/live, which the router matches first.
  router.add(http::verb::get, "/api/games/*", [games](const net::Request& req, const net::RequestInfo&, net::Reply reply) {
    get_game(req, path_of(req).substr(std::string_view("/api/games/").size()), *games, std::move(reply));
  });
  router.add(http::verb::get, "/api/users/*",
             [users, games](const net::Request& req, const net::RequestInfo&, net::Reply reply) {
               get_user_games(req, path_of(req).substr(std::string_view("/api/users/").size()), *users, *games,
                              std::move(reply));
             });
  router.add(http::verb::get, "/api/leaderboard", [users](const net::Request& req, const net::RequestInfo&, net::Reply reply) {
    get_leaderboard(req, *users, std::move(reply));
  });
}

}  // namespace chuhe::server
