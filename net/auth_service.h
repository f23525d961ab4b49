#pragma once
// AuthService: guest sessions, registration, login, logout, and token checks for the HTTP endpoints and
// the WebSocket upgrade. Independent of Beast: bodies in, {status, JSON body} out.
//
// Every method returns at once and answers through its callback, which runs on whichever thread finished
// the work (the caller's for an immediate refusal, a hash thread, the DB thread, or the Redis thread):
// post back to your own executor. Nothing hangs while Redis is down: such requests answer 503 promptly.
//
// Lifetime: create after the stores and destroy before them (the destructor waits for running hash jobs;
// answers still in the stores' queues are delivered when the stores drain).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/auth_config.h"
#include "net/jwt.h"
#include "persistence/session_store.h"
#include "persistence/user_store.h"  // UserDirectory; and the SQLite UserStore, for callers building one

namespace chuhe::net {

struct HttpReply {
  unsigned status = 500;
  std::string body;            // JSON, or empty (204)
  unsigned retry_after_s = 0;  // when non-zero (429), send it as a Retry-After header
};

struct AuthUser {
  std::string id;
  std::string name;
  bool guest = false;
  std::string jti;          // the session: what a revocation on `chuhe:revoked` names
  std::int64_t expires_at = 0;  // Unix seconds: close the socket then at the latest
};

struct AuthResult {
  enum class Kind { ok, refused, unavailable };
  Kind kind = Kind::unavailable;
  AuthUser user;       // when ok
  std::string reason;  // when not ok: why, for logs and the error message (e.g. "expired", "revoked")

  bool ok() const { return kind == Kind::ok; }
  unsigned status() const { return kind == Kind::ok ? 200 : kind == Kind::refused ? 401 : 503; }
  // {"error":{"code":"unauthorized"|"unavailable","message":...}} with status(): to refuse an upgrade.
  HttpReply error_reply() const;
};

// The token in an `Authorization: Bearer <token>` header value (scheme case-insensitive), or nullopt.
std::optional<std::string_view> bearer_token(std::string_view authorization_header);

// {"error":{"code":code,"message":message}}
std::string error_body(std::string_view code, std::string_view message);

class AuthService {
 public:
  using Done = std::function<void(HttpReply)>;
  using AuthDone = std::function<void(AuthResult)>;

  // Throws std::invalid_argument for a bad config (secret shorter than 32 bytes, unknown alg).
  AuthService(AuthConfig config, persistence::SessionStore& sessions, persistence::UserDirectory& users);
  ~AuthService();
  AuthService(const AuthService&) = delete;
  AuthService& operator=(const AuthService&) = delete;

  // POST /api/auth/guest, body {} or {"name":...} (an empty body counts as {}).
  // 200 {"token","user":{"id","name","guest":true,"rating"}}; 400; 409 (a registered user's name); 429; 503.
  void guest(std::string_view body, std::string_view remote_ip, Done done);
  // POST /api/auth/register, body {"name","password"}. 201 {"token","user"}; 400; 409 name_taken; 429; 503.
  void register_user(std::string_view body, std::string_view remote_ip, Done done);
  // POST /api/auth/login, body {"name","password"}. 200 {"token","user"}; 400; 401 invalid_credentials; 429; 503.
  void login(std::string_view body, std::string_view remote_ip, Done done);
  // POST /api/auth/logout with the Authorization header's value. 204; 401; 503. Publishes the revocation.
  void logout(std::string_view authorization_header, Done done);

  // The WebSocket upgrade (and any authenticated request): signature and time claims first (cheap, no
  // I/O), then the session in Redis.
  void authenticate(std::string_view token, AuthDone done);

  // Only the signature and claims, no Redis: for logging or cheap pre-checks, never enough to admit.
  JwtResult verify_token(std::string_view token) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace chuhe::net
