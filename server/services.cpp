#include "server/services.h"

#include <charconv>

#include "net/auth_secret.h"
#include "persistence/migrations.h"
#include "persistence/redis_game_archive.h"

namespace chuhe::server {

namespace {

bool parse_host_port(const std::string& address, persistence::RedisOptions& options) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  unsigned port = 0;
  const char* first = address.data() + colon + 1;
  const char* last = address.data() + address.size();
  auto [end, ec] = std::from_chars(first, last, port);
  if (ec != std::errc{} || end != last || port == 0 || port > 65535) return false;
  options.host = address.substr(0, colon);
  options.port = static_cast<unsigned short>(port);
  return true;
}

}  // namespace

std::string start_services(const Config& config, const std::string& redis_address, Services& s) {
  persistence::RedisOptions redis_options;
  if (!parse_host_port(redis_address, redis_options)) return "redis: expected HOST:PORT, got '" + redis_address + "'";
  s.redis = std::make_unique<persistence::RedisClient>(redis_options);
  s.subscriber = std::make_unique<persistence::RedisSubscriber>(redis_options);
  s.sessions = std::make_unique<persistence::SessionStore>(*s.redis, s.subscriber.get());

  std::string error;
  persistence::SqliteOptions archive_options;
  archive_options.path = std::filesystem::path(config.data_dir) / "archive.sqlite3";
  s.archive = persistence::SqliteDb::open(archive_options, persistence::archive_migrations(), error);
  if (!s.archive) return "archive: " + error;
  if (config.cluster) {
    persistence::RedisUserStoreOptions user_options;  // guests live as long as their token (plus the leeway)
    user_options.guest_ttl = net::AuthConfig{}.guest_token_lifetime + std::chrono::seconds(config.jwt_leeway_s);
    s.users = std::make_unique<persistence::RedisUserStore>(*s.redis, std::move(user_options));
  } else {
    s.users = std::make_unique<persistence::UserStore>(*s.archive);
  }

  persistence::GameJournalOptions journal_options;
  journal_options.path = std::filesystem::path(config.data_dir) / "journal.sqlite3";
  s.journal = persistence::GameJournal::open(journal_options, error);
  if (!s.journal) return "journal: " + error;
  persistence::SqliteOptions games_options;
  games_options.path = journal_options.path;
  s.games_db = persistence::SqliteDb::open(games_options, persistence::journal_migrations(), error);
  if (!s.games_db) return "games archive: " + error;
  // In cluster mode every node reads the games from Redis (any node answers for any game), and this
  // node's SQLite for the games it played before it joined.
  std::unique_ptr<persistence::GameArchive> local = std::make_unique<persistence::SqliteGameArchive>(*s.games_db);
  if (config.cluster)
    s.games = std::make_unique<persistence::RedisGameArchive>(*s.redis, persistence::ClusterKeys{}, std::move(local));
  else
    s.games = std::move(local);

  std::optional<std::string> configured;
  if (!config.jwt_secret.empty()) configured = config.jwt_secret;
  net::SecretResult secret = net::load_or_create_secret(config.data_dir, configured);
  if (!secret.ok()) return "jwt secret: " + secret.error;

  net::AuthConfig auth_config;
  auth_config.jwt_secret = secret.secret;
  auth_config.leeway = std::chrono::seconds(config.jwt_leeway_s);
  auth_config.guest_per_address = net::RateLimit{config.guest_per_minute, config.guest_burst};
  auth_config.login_per_address = net::RateLimit{config.login_per_minute, config.login_burst};
  try {
    s.auth = std::make_shared<net::AuthService>(auth_config, *s.sessions, *s.users);
  } catch (const std::exception& e) {
    return std::string("auth: ") + e.what();
  }
  return {};
}

}  // namespace chuhe::server
