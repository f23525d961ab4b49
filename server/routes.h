#pragma once
// The HTTP routes of the server: health, metrics, the REST API and the browser client's files.
#include <memory>

#include "net/auth_service.h"
#include "net/router.h"
#include "net/server_context.h"
#include "net/static_files.h"
#include "rooms/hub.h"
#include "server/services.h"

namespace chuhe::server {

void add_routes(net::Router& router, std::shared_ptr<net::ServerContext> ctx,
                std::shared_ptr<const net::StaticFiles> statics);

// POST /api/auth/{guest,register,login,logout}.
void add_auth_routes(net::Router& router, std::shared_ptr<net::AuthService> auth);

class ClusterNode;

// GET /api/games/live (and, with the archive, the other game endpoints). With `cluster` (cluster mode)
// the list covers every node's games and users, at most `listed` games.
void add_game_routes(net::Router& router, std::shared_ptr<rooms::Hub> hub,
                     std::shared_ptr<ClusterNode> cluster = nullptr, std::size_t listed = 100);

// GET /api/games/{id}, /api/games/{id}/export, /api/users/{name}/games, /api/leaderboard (register after
// add_game_routes). The services outlive the router.
void add_archive_routes(net::Router& router, Services& services);

}  // namespace chuhe::server
