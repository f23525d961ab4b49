#include "server/config.h"

#include "rooms/time_control.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

namespace chuhe::server {

namespace {

using Setter = std::function<std::optional<std::string>(Config&, const std::string&)>;

struct KeyDef {
  ConfigKey key;
  Setter set;
};

template <class T>
std::optional<std::string> parse_number(const std::string& text, T& out, T min, T max) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return "not a number: '" + text + "'";
  if (value < min || value > max) return "out of range: " + text;
  out = value;
  return std::nullopt;
}

std::optional<std::string> parse_listen(const std::string& text, net::NetConfig& net) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return "expected ADDRESS:PORT, got '" + text + "'";
  unsigned port = 0;
  if (auto err = parse_number<unsigned>(text.substr(colon + 1), port, 0, 65535)) return err;
  std::string address = text.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
  net.listen_address = address;
  net.listen_port = static_cast<unsigned short>(port);
  return std::nullopt;
}

template <class T>
Setter number(T Config::*outer, T min, T max) {
  return [=](Config& c, const std::string& v) { return parse_number<T>(v, c.*outer, min, max); };
}
template <class T>
Setter net_number(T net::NetConfig::*field, T min, T max) {
  return [=](Config& c, const std::string& v) { return parse_number<T>(v, c.net.*field, min, max); };
}
Setter net_seconds(std::chrono::seconds net::NetConfig::*field) {
  return [=](Config& c, const std::string& v) {
    long s = 0;
    if (auto err = parse_number<long>(v, s, 1, 86400)) return err;
    c.net.*field = std::chrono::seconds(s);
    return std::optional<std::string>{};
  };
}
Setter text(std::string Config::*field) {
  return [=](Config& c, const std::string& v) {
    c.*field = v;
    return std::optional<std::string>{};
  };
}

const std::vector<KeyDef>& key_defs() {
  using N = net::NetConfig;
  static const std::vector<KeyDef> defs = {
      {{"listen", "ADDRESS:PORT to serve HTTP and WebSocket on (port 0 = any free port)"},
       [](Config& c, const std::string& v) { return parse_listen(v, c.net); }},
      {{"redis", "HOST:PORT of Redis; empty = start our own redis-server in the data dir"}, text(&Config::redis)},
      {{"data", "data directory (journal, archive, JWT secret, embedded Redis)"}, text(&Config::data_dir)},
      {{"log_level", "debug, info, warn or error"},
       [](Config& c, const std::string& v) -> std::optional<std::string> {
         if (v != "debug" && v != "info" && v != "warn" && v != "error") return "unknown log level '" + v + "'";
         c.log_level = v;
         return std::nullopt;
       }},
      {{"io_threads", "threads running the network event loop; 0 = one per core"}, net_number<int>(&N::io_threads, 0, 256)},
      {{"web_root", "folder of the browser client served at /; empty = web/dist next to the binary's source"},
       [](Config& c, const std::string& v) {
         c.net.web_root = v;
         return std::optional<std::string>{};
       }},
      {{"http_body_limit", "largest HTTP request body in bytes"}, net_number<std::size_t>(&N::http_body_limit, 256, 1 << 20)},
      {{"http_timeout_s", "seconds to read or write one HTTP request"}, net_seconds(&N::http_timeout)},
      {{"ws_max_message", "largest WebSocket message in bytes"}, net_number<std::size_t>(&N::ws_max_message, 256, 1 << 20)},
      {{"ws_idle_timeout_s", "seconds without any frame from a client before it is closed"}, net_seconds(&N::ws_idle_timeout)},
      {{"send_queue_spectator", "bytes queued to a spectator before it is dropped"},
       net_number<std::size_t>(&N::send_queue_spectator, 4096, std::size_t{1} << 30)},
      {{"send_queue_player", "bytes queued to a player before the connection is closed"},
       net_number<std::size_t>(&N::send_queue_player, 4096, std::size_t{1} << 30)},
      {{"messages_per_second", "sustained client messages per second per connection"},
       net_number<double>(&N::messages_per_second, 1, 10000)},
      {{"message_burst", "burst of client messages a connection may send at once"}, net_number<double>(&N::message_burst, 1, 10000)},
      {{"max_watched_games", "games one connection may spectate at once"},
       net_number<std::size_t>(&N::max_watched_games, 1, 10000)},
      {{"jwt_secret", "JWT signing secret, raw bytes (at least 32); empty = <data>/jwt.secret, made on first start"},
       text(&Config::jwt_secret)},
      {{"jwt_leeway_s", "seconds of clock skew tolerated on a token's exp, nbf and iat"},
       number<int>(&Config::jwt_leeway_s, 0, 3600)},
      {{"ai_threads", "worker threads searching AI moves (never the io threads)"},
       number<int>(&Config::ai_threads, 1, 256)},
      {{"ai_hash_mb", "transposition table of each AI worker, in MiB"}, number<int>(&Config::ai_hash_mb, 1, 4096)},
      {{"ai_max_queue", "AI moves that may wait for a worker; more are refused"},
       number<int>(&Config::ai_max_queue, 1, 1000000)},
      {{"session_check_s", "seconds between checks that every open socket's session still exists (expired or "
                           "revoked ones are closed with 4001)"},
       number<int>(&Config::session_check_s, 1, 3600)},
      {{"reconnect_grace_s", "seconds a player may be disconnected before losing the game as abandoned"},
       number<int>(&Config::reconnect_grace_s, 1, 3600)},
      {{"ai_time_control", "time control M+S of games against the AI when the client names none"},
       [](Config& c, const std::string& v) -> std::optional<std::string> {
         if (!rooms::TimeControl::parse(v)) return "expected M+S (M <= 180, S <= 60), got '" + v + "'";
         c.ai_time_control = v;
         return std::nullopt;
       }},
      {{"guest_per_minute", "guest sign-ins per minute from one address (refill)"},
       number<double>(&Config::guest_per_minute, 0.1, 1e7)},
      {{"guest_burst", "guest sign-ins one address may make at once"}, number<double>(&Config::guest_burst, 1, 1e7)},
      {{"login_per_minute", "logins per minute from one address (refill)"},
       number<double>(&Config::login_per_minute, 0.1, 1e7)},
      {{"login_burst", "logins one address may make at once"}, number<double>(&Config::login_burst, 1, 1e7)},
      {{"redis_server_binary", "redis-server executable used when starting our own Redis"},
       text(&Config::redis_server_binary)},
      {{"cluster", "true: one node of several sharing --redis (game leases, Redis move journal, shared lobby)"},
       [](Config& c, const std::string& v) -> std::optional<std::string> {
         if (v == "true" || v == "yes" || v == "on" || v == "1") c.cluster = true;
         else if (v == "false" || v == "no" || v == "off" || v == "0") c.cluster = false;
         else return "expected true or false, got '" + v + "'";
         return std::nullopt;
       }},
      {{"node_id", "this node's name in a cluster (no '|'); empty = its listen ADDRESS:PORT"},
       [](Config& c, const std::string& v) -> std::optional<std::string> {
         if (v.find('|') != std::string::npos) return "a node id may not contain '|'";
         c.node_id = v;
         return std::nullopt;
       }},
      {{"lease_ms", "cluster: how long a game's lease lasts unless renewed (a dead node's games move after it)"},
       number<int>(&Config::lease_ms, 300, 600000)},
  };
  return defs;
}

const KeyDef* find_key(std::string_view name) {
  for (const KeyDef& def : key_defs())
    if (name == def.key.name) return &def;
  return nullptr;
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char ch) { return !std::isspace(ch); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::optional<std::string> set_key(Config& config, const std::string& name, const std::string& value,
                                   const std::string& where) {
  const KeyDef* def = find_key(name);
  if (!def) return where + ": unknown key '" + name + "'";
  if (auto err = def->set(config, value)) return where + ": " + name + ": " + *err;
  return std::nullopt;
}

// The config file: `key = value` lines; `#` starts a comment; blank lines ignored.
std::optional<std::string> load_file(const std::string& path, Config& config) {
  std::ifstream in(path);
  if (!in) return "cannot read config file '" + path + "'";
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    auto eq = line.find('=');
    std::string where = path + ":" + std::to_string(number);
    if (eq == std::string::npos) return where + ": expected 'key = value'";
    if (auto err = set_key(config, trim(line.substr(0, eq)), trim(line.substr(eq + 1)), where)) return err;
  }
  return std::nullopt;
}

std::string env_name(std::string_view key) {
  std::string name = "CHUHE_";
  for (char ch : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return name;
}

}  // namespace

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = [] {
    std::vector<ConfigKey> out;
    for (const KeyDef& def : key_defs()) out.push_back(def.key);
    return out;
  }();
  return keys;
}

std::optional<std::string> load_config(const std::vector<std::string>& args, Config& config) {
  // Flags are `--key value` or `--key=value`; collect them first, since --config decides the file.
  std::vector<std::pair<std::string, std::string>> flags;
  std::string config_file;
  if (const char* env = std::getenv("CHUHE_CONFIG")) config_file = env;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) return "unexpected argument '" + arg + "'";
    std::string name = arg.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return "flag --" + name + " needs a value";
    }
    std::replace(name.begin(), name.end(), '-', '_');
    if (name == "config") {
      config_file = value;
      continue;
    }
    flags.emplace_back(name, value);
  }
  if (!config_file.empty())
    if (auto err = load_file(config_file, config)) return err;
  for (const KeyDef& def : key_defs()) {
    std::string name = env_name(def.key.name);
    if (const char* value = std::getenv(name.c_str()))
      if (auto err = set_key(config, def.key.name, value, "environment " + name)) return err;
  }
  for (const auto& [name, value] : flags)
    if (auto err = set_key(config, name, value, "flag --" + name)) return err;
  return std::nullopt;
}

std::string usage() {
  std::ostringstream out;
  out << "usage: chuhe-server [--config FILE] [--KEY VALUE]...\n\n"
      << "Every key may also be set in the config file (KEY = VALUE) or as CHUHE_KEY in the environment.\n\n";
  out << "  --config FILE\n      config file to read first (also CHUHE_CONFIG)\n";
  for (const ConfigKey& key : config_keys()) out << "  --" << key.name << " VALUE\n      " << key.doc << "\n";
  return out.str();
}

}  // namespace chuhe::server
