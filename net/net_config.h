#pragma once
// Every limit the network edge enforces, in one place (see config/chuhe.conf for each key's meaning).
#include <chrono>
#include <cstddef>
#include <string>

namespace chuhe::net {

struct NetConfig {
  std::string listen_address = "127.0.0.1";  // address to bind
  unsigned short listen_port = 8080;          // 0 picks a free port (tests)
  int io_threads = 0;                         // 0 = one per core
  std::string web_root;                       // folder served at "/" (the built browser client)

  std::size_t http_body_limit = 8 * 1024;            // largest request body accepted
  std::chrono::seconds http_timeout{15};             // read/write timeout of a plain HTTP request
  std::size_t ws_max_message = 4 * 1024;             // largest WebSocket message (Beast defaults to 16 MB)
  std::size_t send_queue_spectator = 256 * 1024;     // bytes queued to a spectator before it is dropped
  std::size_t send_queue_player = 1024 * 1024;       // bytes queued to a player before it is closed
  double messages_per_second = 20;                   // token bucket refill per connection
  double message_burst = 40;                         // token bucket size
  std::chrono::seconds ws_idle_timeout{30};          // no frame (not even pong) for this long: close
  std::size_t max_watched_games = 32;                // games one connection may spectate at once
};

}  // namespace chuhe::net
