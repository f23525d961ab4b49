#include "net/auth_secret.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "net/jwt.h"

namespace chuhe::net {
namespace {

std::string errno_text() { return std::strerror(errno); }

SecretResult failure(std::string message) {
  SecretResult r;
  r.error = std::move(message);
  return r;
}

SecretResult checked(std::string secret, SecretResult::Source source, const char* where) {
  if (secret.size() < kMinSecretBytes)
    return failure(std::string("JWT secret from ") + where + " is " + std::to_string(secret.size()) +
                   " bytes; at least 32 are required");
  SecretResult r;
  r.secret = std::move(secret);
  r.source = source;
  return r;
}

SecretResult read_secret_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return failure("cannot open " + path.string() + ": " + errno_text());
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return failure(path.string() + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return failure(path.string() + " is readable by group or others; chmod 600 it");
  }
  std::string content;
  char buffer[256];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return failure("cannot read " + path.string() + ": " + errno_text());
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > 4096) {
      ::close(fd);
      return failure(path.string() + " is too large to be a secret");
    }
  }
  ::close(fd);
  while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
  return checked(std::move(content), SecretResult::Source::file_read, path.c_str());
}

bool write_all(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

SecretResult load_or_create_secret(const std::filesystem::path& data_dir, const std::optional<std::string>& configured) {
  if (configured) return checked(*configured, SecretResult::Source::configured, "the config");
  if (const char* env = std::getenv(kSecretEnv)) return checked(env, SecretResult::Source::environment, kSecretEnv);

  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return failure("cannot create data dir " + data_dir.string() + ": " + ec.message());
  const auto path = data_dir / kSecretFile;
  if (std::filesystem::exists(std::filesystem::symlink_status(path))) return read_secret_file(path);

  // Write a temporary file, then link() it into place: link never replaces, so when two processes start
  // at once exactly one secret wins and both read it back.
  std::string secret = random_hex(32);  // 64 hex characters, 256 bits
  auto temp = data_dir / (std::string(kSecretFile) + ".tmp." + random_hex(8));
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return failure("cannot create " + temp.string() + ": " + errno_text());
  bool written = ::fchmod(fd, 0600) == 0 && write_all(fd, secret + "\n") && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(temp.c_str());
    return failure("cannot write " + temp.string() + ": " + errno_text());
  }
  int linked = ::link(temp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) return read_secret_file(path);
    errno = link_errno;
    return failure("cannot create " + path.string() + ": " + errno_text());
  }
  SecretResult r;
  r.secret = std::move(secret);
  r.source = SecretResult::Source::file_created;
  return r;
}

}  // namespace chuhe::net
