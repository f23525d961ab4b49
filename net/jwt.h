#pragma once
// JSON Web Tokens signed with HMAC (HS256 by default), implemented on OpenSSL.
//
// Verification is deliberately narrow: exactly the configured `alg` (never `none`, never another one),
// strict unpadded base64url, the signature compared in constant time BEFORE the claims are even decoded,
// bounded size, and required claims with the right types. verify() never throws.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chuhe::net {

struct JwtClaims {
  std::string sub;                  // user id
  std::string jti;                  // session id: 128 random bits as 32 hex digits
  std::int64_t iat = 0;             // issued at, Unix seconds
  std::int64_t exp = 0;             // expires at, Unix seconds
  std::optional<std::int64_t> nbf;  // not before (we never issue it; honoured when present)
  std::string name;                 // display name
  bool guest = false;
};

enum class JwtError {
  empty,             // no token at all
  too_large,         // longer than JwtOptions::max_token_bytes
  malformed,         // not three base64url parts, bad base64url, or a header/payload that is not a JSON object
  bad_alg,           // header alg is not exactly the configured one (including "none"), or typ/crit refused
  bad_signature,     // the signature does not match
  missing_claim,     // exp, iat, sub or jti absent
  bad_claim,         // a claim has the wrong type or an impossible value
  expired,           // now >= exp + leeway
  not_yet_valid,     // now + leeway < nbf
  issued_in_future,  // iat > now + leeway
};

// A stable lower-case name for logs and error messages, e.g. "bad_signature".
std::string_view to_string(JwtError error);

struct JwtOptions {
  std::string alg = "HS256";             // HS256, HS384 or HS512; tokens must carry exactly this one
  std::int64_t leeway_seconds = 30;      // clock skew tolerated on exp, nbf and iat
  std::size_t max_token_bytes = 4096;    // longer tokens are refused before any decoding
};

struct JwtResult {
  std::optional<JwtClaims> claims;  // set on success
  JwtError error = JwtError::malformed;
  bool ok() const { return claims.has_value(); }
};

class JwtCodec {
 public:
  // `secret` is raw bytes (at least 32 for HS256; the caller checks, see auth_secret.h).
  // Throws std::invalid_argument for an unsupported alg.
  JwtCodec(std::string secret, JwtOptions options = {});

  std::string sign(const JwtClaims& claims) const;
  JwtResult verify(std::string_view token, std::int64_t now_unix) const noexcept;

  const JwtOptions& options() const { return options_; }

 private:
  std::string secret_;
  JwtOptions options_;
};

// Strict base64url (RFC 4648 §5) without padding: decode refuses '=', characters outside the alphabet,
// a length of 1 mod 4, and non-zero unused trailing bits (so every byte string has one encoding only).
std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

// 128 random bits from the OpenSSL CSPRNG as 32 lower-case hex digits. Throws if the CSPRNG fails.
std::string random_hex(std::size_t bytes = 16);

// HMAC with the given alg over `data`; empty for an unknown alg.
std::string hmac(std::string_view alg, std::string_view key, std::string_view data);

}  // namespace chuhe::net
