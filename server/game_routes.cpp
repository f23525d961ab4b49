// HTTP endpoints about games, answered from the rooms.
#include <boost/beast/http/verb.hpp>

#include "server/routes.h"

namespace chuhe::server {

namespace http = boost::beast::http;

void add_game_routes(net::Router& router, std::shared_ptr<rooms::Hub> hub) {
  // The live games to watch, most watched first, and how many people are online.
  router.add(http::verb::get, "/api/games/live",
             [hub](const net::Request& req, const net::RequestInfo&, net::Reply reply) {
               reply(net::json_response(req, 200, hub->live_games_json()));
             });
}

}  // namespace chuhe::server
