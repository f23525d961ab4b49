#include "net/password.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <vector>

namespace chuhe::net {

std::optional<std::string> hash_password(std::string_view password, const Argon2Params& p) {
  std::vector<unsigned char> salt(p.salt_bytes);
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) return std::nullopt;
  std::size_t length = argon2_encodedlen(p.iterations, p.memory_kib, p.parallelism, p.salt_bytes,
                                         p.hash_bytes, Argon2_id);
  std::string encoded(length, '\0');
  int rc = argon2id_hash_encoded(p.iterations, p.memory_kib, p.parallelism, password.data(), password.size(),
                                 salt.data(), salt.size(), p.hash_bytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return std::nullopt;
  encoded.resize(encoded.find('\0'));  // argon2_encodedlen counts the terminator
  return encoded;
}

bool verify_password(std::string_view encoded, std::string_view password) {
  std::string terminated(encoded);  // libargon2 wants a C string
  if (terminated.find('\0') != std::string::npos) return false;
  return argon2id_verify(terminated.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::optional<std::string> check_name(std::string_view name) {
  if (name.size() < kNameMin || name.size() > kNameMax)
    return "name must be 2 to 20 characters long";
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return "name may contain only letters A-Z, digits, '_' and '-'";
  }
  return std::nullopt;
}

std::optional<std::string> check_password(std::string_view password) {
  if (password.size() > kPasswordMaxBytes) return "password must be at most 128 bytes long";
  if (password.find('\0') != std::string_view::npos) return "password must not contain NUL";
  std::size_t chars = 0;
  for (char c : password) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;  // count UTF-8 lead bytes only
  }
  if (chars < kPasswordMinChars) return "password must be at least 8 characters long";
  return std::nullopt;
}

}  // namespace chuhe::net
