#pragma once
// The long-lived services behind the network layer, built in dependency order and torn down in
// reverse: Redis (sessions, revocations), the SQLite archive, and accounts on top of both.
#include <memory>
#include <string>

#include "net/auth_service.h"
#include "persistence/game_archive.h"
#include "persistence/game_journal.h"
#include "persistence/redis_client.h"
#include "persistence/redis_subscriber.h"
#include "persistence/redis_user_store.h"
#include "persistence/session_store.h"
#include "persistence/sqlite_db.h"
#include "persistence/user_directory.h"
#include "persistence/user_store.h"
#include "server/config.h"

namespace chuhe::server {

struct Services {
  // Declaration order is construction order; members are destroyed in reverse.
  std::unique_ptr<persistence::RedisClient> redis;
  std::unique_ptr<persistence::RedisSubscriber> subscriber;
  std::unique_ptr<persistence::SessionStore> sessions;
  // The move journal of games in play, which keeps finished games as the archive of games; and a
  // second connection to it, on its own thread, for the HTTP API's reads. Declared before the users'
  // database so that they outlive it: a users query still queued at shutdown may chain into a games one.
  std::shared_ptr<persistence::GameJournal> journal;
  std::unique_ptr<persistence::SqliteDb> games_db;
  std::unique_ptr<persistence::GameArchive> games;
  std::unique_ptr<persistence::SqliteDb> archive;
  // Accounts and ratings: the archive's users table on a single node; in cluster mode Redis, shared by
  // every node (the SQLite archive is then not used for them).
  std::unique_ptr<persistence::UserDirectory> users;
  std::shared_ptr<net::AuthService> auth;  // shared with the HTTP routes
};

// Builds every service for `config`, with Redis at `redis_address` (HOST:PORT). Returns an error
// message for the operator, or an empty string.
std::string start_services(const Config& config, const std::string& redis_address, Services& services);

}  // namespace chuhe::server
