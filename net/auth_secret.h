#pragma once
// Where the JWT signing secret comes from, in order: the config file, the environment variable
// CHUHE_JWT_SECRET (raw bytes, at least 32), or `<data dir>/jwt.secret`, created on first start with
// 64 random hex characters and mode 0600. Every node of a cluster must use the same secret: copy the
// file's content into CHUHE_JWT_SECRET on the others.
#include <filesystem>
#include <optional>
#include <string>

namespace chuhe::net {

inline constexpr std::size_t kMinSecretBytes = 32;
inline constexpr const char* kSecretEnv = "CHUHE_JWT_SECRET";
inline constexpr const char* kSecretFile = "jwt.secret";

struct SecretResult {
  enum class Source { configured, environment, file_read, file_created };

  std::string secret;  // raw bytes; empty on error
  Source source = Source::configured;
  std::string error;   // a message for the operator; the server must not start when it is set

  bool ok() const { return error.empty(); }
};

// `configured` is the config file's value, if any. An empty or too short secret from config or the
// environment is an error, never silently replaced. The file must be a regular file not readable by
// group or others.
SecretResult load_or_create_secret(const std::filesystem::path& data_dir, const std::optional<std::string>& configured);

}  // namespace chuhe::net
