#pragma once
// SessionStore: the session cache in Redis. A token is valid only while its session key exists;
// logout deletes the key and announces the revocation to every node on one pub/sub channel.
//
// Keys: `<prefix><jti>` holding {"user_id","name","guest"} with a TTL equal to the token's lifetime.
// Callbacks run on the RedisClient's (or, for on_revoked, the RedisSubscriber's) thread.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "persistence/redis_client.h"
#include "persistence/redis_subscriber.h"

namespace chuhe::persistence {

struct SessionInfo {
  std::string user_id;  // the user the session belongs to (the token's `sub`)
  std::string name;     // display name at login time
  bool guest = false;
};

enum class StoreStatus {
  ok,
  not_found,    // no such session: never created, expired, or revoked
  unavailable,  // Redis could not be asked; say 503, never "not found"
};

struct SessionLookup {
  StoreStatus status = StoreStatus::unavailable;
  SessionInfo info;  // set when status == ok
};

struct SessionStoreOptions {
  std::string key_prefix = "session:";
  std::string revoked_channel = "chuhe:revoked";
};

class SessionStore {
 public:
  // `subscriber` may be null on a node that never needs revocation events (on_revoked then throws).
  SessionStore(RedisClient& client, RedisSubscriber* subscriber, SessionStoreOptions options = {});

  // SET <prefix><jti> <json> EX ttl. done(ok) or done(unavailable).
  void create(const std::string& jti, const SessionInfo& info, std::chrono::seconds ttl,
              std::function<void(StoreStatus)> done);

  // GET: done({ok, info}), done({not_found}) or done({unavailable}).
  void lookup(const std::string& jti, std::function<void(SessionLookup)> done);

  // Deletes the session and publishes the jti on the revoked channel, atomically (one Lua script).
  // done(ok) also when the session was already gone: revoking is idempotent.
  void revoke(const std::string& jti, std::function<void(StoreStatus)> done);

  // Which of `jtis` no longer have a session (revoked, expired): one MGET. done(gone) on the client
  // thread; if Redis cannot be asked, done is not told anything is gone (gone empty, ok false).
  void find_gone(std::vector<std::string> jtis, std::function<void(bool ok, std::vector<std::string> gone)> done);

  // `callback(jti)` runs on the subscriber thread for every revocation published by any node.
  void on_revoked(std::function<void(const std::string& jti)> callback);

  bool available() const { return client_.available(); }
  const SessionStoreOptions& options() const { return options_; }

 private:
  RedisClient& client_;
  RedisSubscriber* subscriber_;
  const SessionStoreOptions options_;
};

}  // namespace chuhe::persistence
