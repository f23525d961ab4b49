#include "persistence/session_store.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace chuhe::persistence {
namespace {

// DEL and PUBLISH in one script so that a revocation is never half done: no node can see the key gone
// without the announcement having been made, and no announcement goes out for a key still present.
constexpr const char* kRevokeScript =
    "local n = redis.call('DEL', KEYS[1]) "
    "redis.call('PUBLISH', ARGV[1], ARGV[2]) "
    "return n";

}  // namespace

SessionStore::SessionStore(RedisClient& client, RedisSubscriber* subscriber, SessionStoreOptions options)
    : client_(client), subscriber_(subscriber), options_(std::move(options)) {}

void SessionStore::create(const std::string& jti, const SessionInfo& info, std::chrono::seconds ttl,
                          std::function<void(StoreStatus)> done) {
  nlohmann::json value = {{"user_id", info.user_id}, {"name", info.name}, {"guest", info.guest}};
  auto seconds = std::max<long long>(1, ttl.count());
  client_.command({"SET", options_.key_prefix + jti, value.dump(), "EX", std::to_string(seconds)},
                  [done = std::move(done)](RedisReply reply) {
                    done(reply.is_status("OK") ? StoreStatus::ok : StoreStatus::unavailable);
                  });
}

void SessionStore::lookup(const std::string& jti, std::function<void(SessionLookup)> done) {
  client_.command({"GET", options_.key_prefix + jti}, [done = std::move(done)](RedisReply reply) {
    SessionLookup result;
    if (reply.is_nil()) {
      result.status = StoreStatus::not_found;
    } else if (reply.is_string()) {
      auto value = nlohmann::json::parse(reply.text, nullptr, false);
      // A value we cannot read is treated as absent: refusing is the safe side.
      result.status = StoreStatus::not_found;
      if (value.is_object() && value.contains("user_id") && value["user_id"].is_string() &&
          value.contains("name") && value["name"].is_string() && value.contains("guest") &&
          value["guest"].is_boolean()) {
        result.status = StoreStatus::ok;
        result.info.user_id = value["user_id"].get<std::string>();
        result.info.name = value["name"].get<std::string>();
        result.info.guest = value["guest"].get<bool>();
      }
    }
    done(std::move(result));
  });
}

void SessionStore::find_gone(std::vector<std::string> jtis,
                             std::function<void(bool, std::vector<std::string>)> done) {
  if (jtis.empty()) return done(true, {});
  std::vector<std::string> args{"MGET"};
  args.reserve(jtis.size() + 1);
  for (const auto& jti : jtis) args.push_back(options_.key_prefix + jti);
  client_.command(std::move(args), [jtis = std::move(jtis), done = std::move(done)](RedisReply reply) {
    if (!reply.is_array() || reply.elements.size() != jtis.size()) return done(false, {});
    std::vector<std::string> gone;
    for (std::size_t i = 0; i < jtis.size(); ++i)
      if (reply.elements[i].is_nil()) gone.push_back(jtis[i]);
    done(true, std::move(gone));
  });
}

void SessionStore::revoke(const std::string& jti, std::function<void(StoreStatus)> done) {
  client_.command({"EVAL", kRevokeScript, "1", options_.key_prefix + jti, options_.revoked_channel, jti},
                  [done = std::move(done)](RedisReply reply) {
                    done(reply.is_integer() ? StoreStatus::ok : StoreStatus::unavailable);
                  });
}

void SessionStore::on_revoked(std::function<void(const std::string& jti)> callback) {
  if (subscriber_ == nullptr) throw std::logic_error("SessionStore::on_revoked needs a RedisSubscriber");
  subscriber_->subscribe(options_.revoked_channel,
                         [callback = std::move(callback)](const std::string&, const std::string& message) {
                           callback(message);
                         });
}

}  // namespace chuhe::persistence
