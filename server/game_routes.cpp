// HTTP endpoints about games, answered from the rooms.
#include <boost/beast/http/verb.hpp>

#include "server/cluster_node.h"
#include "server/routes.h"

namespace chuhe::server {

namespace http = boost::beast::http;

void add_game_routes(net::Router& router, std::shared_ptr<rooms::Hub> hub, std::shared_ptr<ClusterNode> cluster,
                     std::size_t listed) {
  // The live games to watch, most watched first, and how many people are online (in cluster mode, on
  // every node: the other nodes' part is read from Redis, without blocking this thread).
  router.add(http::verb::get, "/api/games/live",
             [hub, cluster, listed](const net::Request& req, const net::RequestInfo&, net::Reply reply) {
               if (!cluster) return reply(net::json_response(req, 200, hub->live_games_json()));
               auto request = std::make_shared<net::Request>(req);
               cluster->live_games_json(listed, [request, reply = std::move(reply)](std::string body) {
                 reply(net::json_response(*request, 200, body));
               });
             });
}

}  // namespace chuhe::server
