#pragma once
// The server's configuration: one struct, filled from built-in defaults, then the config file, then
// CHUHE_* environment variables, then command-line flags (each later source wins). Every key is
// documented in config/chuhe.conf.
#include <optional>
#include <string>
#include <vector>

#include "net/net_config.h"

namespace chuhe::server {

struct Config {
  net::NetConfig net;
  std::string redis;               // host:port of Redis; empty = start our own redis-server
  std::string data_dir = "data";   // journal, archive, JWT secret, the embedded Redis's files
  std::string log_level = "info";  // debug, info, warn, error
  std::string redis_server_binary = "redis-server";  // used when starting our own Redis
  std::string jwt_secret;           // raw bytes (>= 32); empty = CHUHE_JWT_SECRET or <data>/jwt.secret
  int jwt_leeway_s = 30;            // clock skew tolerated on a token's exp/nbf/iat
  int session_check_s = 30;         // how often open sockets' sessions are checked (expiry, missed logouts)
  int ai_threads = 1;               // worker threads searching for AI seats (each with its own hash)
  int ai_hash_mb = 16;              // hash table per AI worker
  int ai_max_queue = 256;           // AI moves waiting for a worker; more are refused
  int reconnect_grace_s = 60;       // a player away longer than this loses the game (abandoned)
  std::string ai_time_control = "10+5";  // of challenge_ai when the client names none
  // Cluster mode (docs/operations.md): several nodes share one Redis; games are owned by leases and
  // journaled in Redis. Off: one node, the SQLite journal, exactly as without these keys.
  bool cluster = false;
  std::string node_id;              // this node's name in the cluster; empty = the listen address:port
  int lease_ms = 5000;              // a game's lease; renewed every lease_ms/3, orphans scanned every lease_ms/2
  // Per-address limits on account endpoints (token buckets): refill per minute and burst.
  double guest_per_minute = 30, guest_burst = 60;
  double login_per_minute = 30, login_burst = 60;
};

struct ConfigKey {
  const char* name;  // as written in the config file; CHUHE_<NAME upper-cased> in the environment
  const char* doc;   // one line, for --help
};

// Every key the server understands, in documentation order.
const std::vector<ConfigKey>& config_keys();

// Fills `config` from the file named by --config (or CHUHE_CONFIG), the environment and `args`.
// Returns an error message naming the bad key or value; `config` is then unspecified.
std::optional<std::string> load_config(const std::vector<std::string>& args, Config& config);

// Usage text listing every flag.
std::string usage();

}  // namespace chuhe::server
