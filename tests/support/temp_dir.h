#pragma once
// A fresh directory under $TMPDIR (or /tmp), removed with everything in it when the object goes away.
#include <filesystem>
#include <string_view>

namespace chuhe::test {

class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "chuhe-test");  // throws std::runtime_error on failure
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;  // empty once moved from
};

}  // namespace chuhe::test
