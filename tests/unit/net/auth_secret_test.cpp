// Where the JWT secret comes from, and the secret file's creation and reuse.
#include "net/auth_secret.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "tests/support/temp_dir.h"

namespace chuhe::net {
namespace {

class AuthSecret : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv(kSecretEnv); }
  void TearDown() override { ::unsetenv(kSecretEnv); }
  test::TempDir dir_{"chuhe-secret"};
};

TEST_F(AuthSecret, CreatedWithMode0600AndReused) {
  auto first = load_or_create_secret(dir_.path() / "data", std::nullopt);
  ASSERT_TRUE(first.ok()) << first.error;
  EXPECT_EQ(first.source, SecretResult::Source::file_created);
  EXPECT_GE(first.secret.size(), kMinSecretBytes);

  struct stat st {};
  ASSERT_EQ(::stat((dir_.path() / "data" / kSecretFile).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto second = load_or_create_secret(dir_.path() / "data", std::nullopt);
  ASSERT_TRUE(second.ok()) << second.error;
  EXPECT_EQ(second.source, SecretResult::Source::file_read);
  EXPECT_EQ(second.secret, first.secret);

  // No temporary files left behind.
  int entries = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir_.path() / "data")) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST_F(AuthSecret, ConfiguredWinsAndMustBeLongEnough) {
  auto ok = load_or_create_secret(dir_.path(), std::string(32, 'k'));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.source, SecretResult::Source::configured);
  EXPECT_EQ(ok.secret, std::string(32, 'k'));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / kSecretFile));

  auto short_one = load_or_create_secret(dir_.path(), std::string(31, 'k'));
  EXPECT_FALSE(short_one.ok());
  EXPECT_NE(short_one.error.find("at least 32"), std::string::npos) << short_one.error;
  EXPECT_FALSE(load_or_create_secret(dir_.path(), std::string()).ok());
}

TEST_F(AuthSecret, EnvironmentUsedAsRawBytes) {
  ::setenv(kSecretEnv, "an environment secret of 32+ bytes!!", 1);
  auto r = load_or_create_secret(dir_.path(), std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.source, SecretResult::Source::environment);
  EXPECT_EQ(r.secret, "an environment secret of 32+ bytes!!");

  ::setenv(kSecretEnv, "too short", 1);
  auto bad = load_or_create_secret(dir_.path(), std::nullopt);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error.find(kSecretEnv), std::string::npos) << bad.error;
}

TEST_F(AuthSecret, RefusesAFileOthersCanRead) {
  auto path = dir_.path() / kSecretFile;
  { std::ofstream(path) << std::string(64, 'a'); }
  ::chmod(path.c_str(), 0644);
  auto r = load_or_create_secret(dir_.path(), std::nullopt);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.error.find("chmod 600"), std::string::npos) << r.error;
}

TEST_F(AuthSecret, RefusesAShortFile) {
  auto path = dir_.path() / kSecretFile;
  { std::ofstream(path) << "short\n"; }
  ::chmod(path.c_str(), 0600);
  EXPECT_FALSE(load_or_create_secret(dir_.path(), std::nullopt).ok());
}

}  // namespace
}  // namespace chuhe::net
