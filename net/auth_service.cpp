#include "net/auth_service.h"

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "net/auth_secret.h"
#include "net/auth_work_pool.h"

namespace chuhe::net {

using persistence::SessionInfo;
using persistence::SessionLookup;
using persistence::StoreStatus;
using persistence::User;
using persistence::UserResult;
using persistence::UserStatus;
using persistence::UserDirectory;
using Json = nlohmann::json;

namespace {

HttpReply error(unsigned status, std::string_view code, std::string_view message) {
  return HttpReply{status, error_body(code, message), 0};
}
HttpReply bad_request(std::string_view message) { return error(400, "bad_request", message); }
HttpReply unavailable() { return error(503, "unavailable", "the service is temporarily unavailable; try again"); }
HttpReply invalid_credentials() { return error(401, "invalid_credentials", "wrong name or password"); }
HttpReply rate_limited(unsigned retry_after) {
  HttpReply r = error(429, "rate_limited", "too many attempts; try again later");
  r.retry_after_s = std::max(1u, retry_after);
  return r;
}

// The request body as a JSON object, or the 400 to answer.
std::optional<Json> parse_body(std::string_view body, std::size_t limit, bool empty_ok, HttpReply& refusal) {
  if (body.size() > limit) {
    refusal = bad_request("request body too large");
    return std::nullopt;
  }
  if (empty_ok && body.find_first_not_of(" \t\r\n") == std::string_view::npos) return Json::object();
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    refusal = bad_request("body must be a JSON object");
    return std::nullopt;
  }
  return j;
}

// Reads a string field; sets `refusal` when it is present with another type, or absent but required.
std::optional<std::string> string_field(const Json& j, const char* key, bool required, HttpReply& refusal) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) refusal = bad_request(std::string("missing field '") + key + "'");
    return std::nullopt;
  }
  if (!it->is_string()) {
    refusal = bad_request(std::string("field '") + key + "' must be a string");
    return std::nullopt;
  }
  return it->get<std::string>();
}

bool reserved_name(std::string_view name) {
  return UserDirectory::name_key(name.substr(0, 6)) == "guest-";
}

}  // namespace

std::string error_body(std::string_view code, std::string_view message) {
  Json j = {{"error", {{"code", code}, {"message", message}}}};
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

HttpReply AuthResult::error_reply() const {
  if (kind == Kind::unavailable) return unavailable();
  return error(401, "unauthorized", "authentication required: " + reason);
}

std::optional<std::string_view> bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() || UserDirectory::name_key(header.substr(0, kScheme.size())) != kScheme)
    return std::nullopt;
  std::string_view token = header.substr(kScheme.size());
  auto first = token.find_first_not_of(' ');
  if (first == std::string_view::npos) return std::nullopt;
  token = token.substr(first);
  auto last = token.find_last_not_of(' ');
  return token.substr(0, last + 1);
}

// State shared with every pending callback, so that an answer arriving from a store's thread never
// touches a destroyed object.
struct AuthService::Impl : std::enable_shared_from_this<Impl> {
  Impl(AuthConfig c, persistence::SessionStore& s, persistence::UserDirectory& u)
      : config(std::move(c)),
        jwt(config.jwt_secret, JwtOptions{config.jwt_alg, config.leeway.count(), config.max_token_bytes}),
        sessions(s),
        users(u),
        login_by_address(config.login_per_address),
        login_by_name(config.login_per_name),
        register_by_address(config.register_per_address),
        guest_by_address(config.guest_per_address),
        pool(config.hash_threads, config.hash_queue) {
    // Unknown names are checked against this hash so that a login costs the same whether or not the
    // name exists: the timing does not reveal which names are registered.
    auto dummy = hash_password(random_hex(16), config.argon2);
    if (!dummy) throw std::invalid_argument("argon2 parameters refused by libargon2");
    dummy_hash = *dummy;
  }

  std::int64_t now() const {
    if (config.clock) return config.clock();
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // Creates the session and token for `user` and answers `status` with {"token","user"}.
  void issue(const User& user, unsigned status, Done done) {
    auto lifetime = user.guest ? config.guest_token_lifetime : config.user_token_lifetime;
    JwtClaims claims;
    claims.sub = user.id;
    claims.jti = random_hex(16);
    claims.iat = now();
    claims.exp = claims.iat + lifetime.count();
    claims.name = user.name;
    claims.guest = user.guest;
    Json body = {{"token", jwt.sign(claims)},
                 {"user",
                  {{"id", user.id},
                   {"name", user.name},
                   {"guest", user.guest},
                   {"rating", static_cast<long long>(std::lround(user.rating.rating))}}}};
    sessions.create(claims.jti, SessionInfo{user.id, user.name, user.guest}, lifetime,
                    [status, body = body.dump(), done = std::move(done)](StoreStatus s) {
                      if (s == StoreStatus::ok) {
                        done(HttpReply{status, body, 0});
                      } else {
                        done(unavailable());
                      }
                    });
  }

  void create_guest(std::string name, Done done) {
    persistence::NewUser user{"u_" + random_hex(12), std::move(name), true, ""};
    users.create_user(std::move(user), [self = shared_from_this(), done = std::move(done)](UserResult r) {
      if (r.status != UserStatus::ok) return done(unavailable());
      self->issue(r.user, 200, std::move(done));
    });
  }

  void guest(std::string_view body, std::string_view ip, Done done) {
    HttpReply refusal;
    auto request = parse_body(body, config.max_body_bytes, /*empty_ok=*/true, refusal);
    if (!request) return done(refusal);
    auto name = string_field(*request, "name", false, refusal);
    if (refusal.status == 400) return done(refusal);
    if (name) {
      if (auto problem = check_name(*name)) return done(bad_request(*problem));
    }
    if (!guest_by_address.try_take(ip)) return done(rate_limited(guest_by_address.retry_after(ip)));
    if (!sessions.available()) return done(unavailable());
    if (!name) return create_guest("Guest-" + random_hex(3), std::move(done));
    // A guest may not pose as a registered player; guests may share names among themselves.
    users.find_by_name(*name, [self = shared_from_this(), name = *name, done = std::move(done)](UserResult r) {
      if (r.status == UserStatus::ok) return done(error(409, "name_taken", "that name belongs to a registered player"));
      if (r.status != UserStatus::not_found) return done(unavailable());
      self->create_guest(name, std::move(done));
    });
  }

  void register_user(std::string_view body, std::string_view ip, Done done) {
    HttpReply refusal;
    auto request = parse_body(body, config.max_body_bytes, /*empty_ok=*/false, refusal);
    if (!request) return done(refusal);
    auto name = string_field(*request, "name", true, refusal);
    if (!name) return done(refusal);
    auto password = string_field(*request, "password", true, refusal);
    if (!password) return done(refusal);
    if (auto problem = check_name(*name)) return done(bad_request(*problem));
    if (reserved_name(*name)) return done(bad_request("names starting with 'Guest-' are reserved for guests"));
    if (auto problem = check_password(*password)) return done(bad_request(*problem));
    if (!register_by_address.try_take(ip)) return done(rate_limited(register_by_address.retry_after(ip)));
    if (!sessions.available()) return done(unavailable());

    // Look first so that a taken name costs no hashing; create_user still decides races.
    users.find_by_name(*name, [self = shared_from_this(), name = *name, password = std::move(*password),
                               done = std::move(done)](UserResult r) mutable {
      if (r.status == UserStatus::ok) return done(error(409, "name_taken", "that name is taken"));
      if (r.status != UserStatus::not_found) return done(unavailable());
      auto shared_done = std::make_shared<Done>(std::move(done));
      bool queued = self->pool.post([self, name = std::move(name), password = std::move(password), shared_done] {
        auto hash = hash_password(password, self->config.argon2);
        if (!hash) return (*shared_done)(unavailable());
        persistence::NewUser user{"u_" + random_hex(12), name, false, *hash};
        self->users.create_user(std::move(user), [self, shared_done](UserResult created) {
          if (created.status == UserStatus::name_taken)
            return (*shared_done)(error(409, "name_taken", "that name is taken"));
          if (created.status != UserStatus::ok) return (*shared_done)(unavailable());
          self->issue(created.user, 201, std::move(*shared_done));
        });
      });
      if (!queued) (*shared_done)(unavailable());
    });
  }

  void login(std::string_view body, std::string_view ip, Done done) {
    HttpReply refusal;
    auto request = parse_body(body, config.max_body_bytes, /*empty_ok=*/false, refusal);
    if (!request) return done(refusal);
    auto name = string_field(*request, "name", true, refusal);
    if (!name) return done(refusal);
    auto password = string_field(*request, "password", true, refusal);
    if (!password) return done(refusal);

    // Every attempt counts against the address; only failures count against the name, so that an
    // attacker guessing one account's password is held back without locking out its owner's success.
    std::string name_key = UserDirectory::name_key(*name);
    if (!login_by_address.try_take(ip)) return done(rate_limited(login_by_address.retry_after(ip)));
    if (!login_by_name.has_token(name_key)) return done(rate_limited(login_by_name.retry_after(name_key)));
    if (!sessions.available()) return done(unavailable());

    bool plausible = !check_name(*name) && password->size() <= kPasswordMaxBytes;
    auto on_user = [self = shared_from_this(), name_key, password = std::move(*password),
                    done = std::make_shared<Done>(std::move(done))](UserResult r) mutable {
      if (r.status == UserStatus::error) return (*done)(unavailable());
      bool found = r.status == UserStatus::ok && !r.user.guest;
      bool queued = self->pool.post([self, found, user = std::move(r.user), name_key = std::move(name_key),
                                     password = std::move(password), done] {
        bool match = verify_password(found ? user.password_hash : self->dummy_hash, password) && found;
        if (!match) {
          self->login_by_name.take(name_key);
          return (*done)(invalid_credentials());
        }
        self->issue(user, 200, std::move(*done));
      });
      if (!queued) (*done)(unavailable());
    };
    if (plausible) {
      users.find_by_name(*name, std::move(on_user));
    } else {
      on_user(UserResult{UserStatus::not_found, {}});  // still pay for a hash: same timing as a miss
    }
  }

  void logout(std::string_view header, Done done) {
    auto token = bearer_token(header);
    if (!token) return done(error(401, "unauthorized", "missing bearer token"));
    JwtResult verified = jwt.verify(*token, now());
    if (!verified.ok())
      return done(error(401, "unauthorized", std::string("invalid token: ") + std::string(to_string(verified.error))));
    sessions.revoke(verified.claims->jti, [done = std::move(done)](StoreStatus s) {
      if (s != StoreStatus::ok) return done(unavailable());
      done(HttpReply{204, "", 0});
    });
  }

  void authenticate(std::string_view token, AuthDone done) {
    JwtResult verified = jwt.verify(token, now());
    if (!verified.ok()) {
      AuthResult r;
      r.kind = AuthResult::Kind::refused;
      r.reason = std::string(to_string(verified.error));
      return done(std::move(r));
    }
    JwtClaims claims = std::move(*verified.claims);
    std::string jti = claims.jti;
    sessions.lookup(jti, [claims = std::move(claims), done = std::move(done)](SessionLookup found) {
      AuthResult r;
      if (found.status == StoreStatus::unavailable) {
        r.kind = AuthResult::Kind::unavailable;
        r.reason = "session store unavailable";
      } else if (found.status == StoreStatus::not_found || found.info.user_id != claims.sub) {
        r.kind = AuthResult::Kind::refused;
        r.reason = "revoked";
      } else {
        r.kind = AuthResult::Kind::ok;
        r.user = AuthUser{claims.sub, found.info.name, found.info.guest, claims.jti, claims.exp};
      }
      done(std::move(r));
    });
  }

  const AuthConfig config;
  const JwtCodec jwt;
  persistence::SessionStore& sessions;
  persistence::UserDirectory& users;
  KeyedRateLimiter login_by_address;
  KeyedRateLimiter login_by_name;
  KeyedRateLimiter register_by_address;
  KeyedRateLimiter guest_by_address;
  std::string dummy_hash;
  WorkPool pool;  // last: its threads may use every member above
};

AuthService::AuthService(AuthConfig config, persistence::SessionStore& sessions, persistence::UserDirectory& users) {
  if (config.jwt_secret.size() < kMinSecretBytes)
    throw std::invalid_argument("JWT secret must be at least 32 bytes");
  impl_ = std::make_shared<Impl>(std::move(config), sessions, users);
}

AuthService::~AuthService() { impl_->pool.stop(); }

void AuthService::guest(std::string_view body, std::string_view ip, Done done) {
  impl_->guest(body, ip, std::move(done));
}
void AuthService::register_user(std::string_view body, std::string_view ip, Done done) {
  impl_->register_user(body, ip, std::move(done));
}
void AuthService::login(std::string_view body, std::string_view ip, Done done) {
  impl_->login(body, ip, std::move(done));
}
void AuthService::logout(std::string_view header, Done done) { impl_->logout(header, std::move(done)); }
void AuthService::authenticate(std::string_view token, AuthDone done) {
  impl_->authenticate(token, std::move(done));
}
JwtResult AuthService::verify_token(std::string_view token) const { return impl_->jwt.verify(token, impl_->now()); }

}  // namespace chuhe::net
