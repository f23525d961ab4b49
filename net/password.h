#pragma once
// Password hashing (Argon2id, libargon2) and the rules for user names and passwords.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chuhe::net {

// Argon2id cost. Defaults follow OWASP's first recommendation (m = 19 MiB, t = 2, p = 1); on the 2-core
// reference machine one hash takes about 85-95 ms (docs/security.md), and AuthService runs at most two at
// once on its own threads.
struct Argon2Params {
  std::uint32_t memory_kib = 19 * 1024;
  std::uint32_t iterations = 2;
  std::uint32_t parallelism = 1;
  std::uint32_t salt_bytes = 16;
  std::uint32_t hash_bytes = 32;
};

// The encoded form "$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>" with a fresh random salt, or nullopt
// if hashing failed (out of memory, bad parameters). Slow on purpose: never call it on an io thread.
std::optional<std::string> hash_password(std::string_view password, const Argon2Params& params);

// Whether `password` matches `encoded` (constant-time comparison inside libargon2). False for a
// malformed encoded string. As slow as hashing.
bool verify_password(std::string_view encoded, std::string_view password);

// Naming rules. Each returns nullopt when the input is acceptable, otherwise a message for the user.
// Names: 2 to 20 characters of [A-Za-z0-9_-]; unique case-insensitively (the store enforces that).
std::optional<std::string> check_name(std::string_view name);
// Passwords: at least 8 characters (Unicode code points) and at most 128 bytes, no NUL.
std::optional<std::string> check_password(std::string_view password);

inline constexpr std::size_t kNameMin = 2;
inline constexpr std::size_t kNameMax = 20;
inline constexpr std::size_t kPasswordMinChars = 8;
inline constexpr std::size_t kPasswordMaxBytes = 128;

}  // namespace chuhe::net
