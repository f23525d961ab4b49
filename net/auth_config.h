#pragma once
// Everything AuthService can be told, in one struct (see docs/security.md for the reasoning).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "net/auth_rate_limit.h"
#include "net/password.h"

namespace chuhe::net {

struct AuthConfig {
  // Raw secret bytes (>= 32), normally from load_or_create_secret() in net/auth_secret.h.
  std::string jwt_secret;
  std::string jwt_alg = "HS256";               // HS256, HS384 or HS512
  std::chrono::seconds leeway{30};             // clock skew tolerated on exp, nbf, iat
  std::chrono::seconds user_token_lifetime{7 * 24 * 3600};  // registered users: a week
  std::chrono::seconds guest_token_lifetime{24 * 3600};     // guests: a day (they cannot log in again)
  std::size_t max_token_bytes = 4096;

  Argon2Params argon2;
  std::size_t hash_threads = 2;     // Argon2 runs here, never on the caller's thread
  std::size_t hash_queue = 64;      // hash jobs waiting; more get 503 (overload, not a hang)

  RateLimit login_per_address{30, 60};     // generous: many players may share one NAT address
  RateLimit login_per_name{10, 10};        // failed logins per account name
  RateLimit register_per_address{10, 20};
  RateLimit guest_per_address{30, 60};

  std::size_t max_body_bytes = 4096;  // request bodies longer than this are refused with 400

  // Unix seconds now; empty means the system clock. Tests set it to move time.
  std::function<std::int64_t()> clock;
};

}  // namespace chuhe::net
