// Argon2id hashing and the naming/password rules.
#include "net/password.h"

#include <gtest/gtest.h>

#include <chrono>

namespace chuhe::net {
namespace {

// Cheap parameters keep the suite fast; one test below uses the production defaults.
const Argon2Params kFast{1024, 1, 1, 16, 32};

TEST(Password, HashAndVerify) {
  auto hash = hash_password("correct horse battery", kFast);
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0), 0u) << *hash;
  EXPECT_TRUE(verify_password(*hash, "correct horse battery"));
}

TEST(Password, WrongPasswordRefused) {
  auto hash = hash_password("correct horse battery", kFast);
  ASSERT_TRUE(hash);
  EXPECT_FALSE(verify_password(*hash, "correct horse batterY"));
  EXPECT_FALSE(verify_password(*hash, ""));
  EXPECT_FALSE(verify_password("not an encoded hash", "correct horse battery"));
  EXPECT_FALSE(verify_password("", "x"));
}

TEST(Password, SaltsDiffer) {
  auto a = hash_password("same password", kFast);
  auto b = hash_password("same password", kFast);
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  // $argon2id$v=19$m=..,t=..,p=..$SALT$HASH: the salt field differs.
  auto salt = [](const std::string& h) {
    auto end = h.rfind('$');
    auto start = h.rfind('$', end - 1);
    return h.substr(start + 1, end - start - 1);
  };
  EXPECT_NE(salt(*a), salt(*b));
  EXPECT_TRUE(verify_password(*a, "same password"));
  EXPECT_TRUE(verify_password(*b, "same password"));
}

TEST(Password, DefaultParametersAreOwaspsAndVerify) {
  Argon2Params defaults;
  EXPECT_EQ(defaults.memory_kib, 19u * 1024);
  EXPECT_EQ(defaults.iterations, 2u);
  EXPECT_EQ(defaults.parallelism, 1u);
  auto start = std::chrono::steady_clock::now();
  auto hash = hash_password("a password of some length", defaults);
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u);
  EXPECT_TRUE(verify_password(*hash, "a password of some length"));
  RecordProperty("argon2_default_hash_ms", static_cast<int>(elapsed.count()));
  std::printf("argon2id m=19 MiB t=2 p=1: %lld ms per hash\n", static_cast<long long>(elapsed.count()));
}

TEST(Names, Accepted) {
  for (const char* name : {"ab", "Alice", "bob_99", "x-y", "ABCDEFGHIJKLMNOPQRST", "__", "--"})
    EXPECT_FALSE(check_name(name)) << name;
}

TEST(Names, Refused) {
  for (const char* name : {"", "a", "ABCDEFGHIJKLMNOPQRSTU", "has space", "dot.name", "émile", "tab\t", "a/b", "<b>"})
    EXPECT_TRUE(check_name(name)) << name;
  EXPECT_TRUE(check_name(std::string("ab\0c", 4)));
}

TEST(Passwords, Accepted) {
  EXPECT_FALSE(check_password("12345678"));
  EXPECT_FALSE(check_password(std::string(128, 'x')));
  EXPECT_FALSE(check_password("пароль12"));  // 8 characters, 14 bytes
}

TEST(Passwords, Refused) {
  EXPECT_TRUE(check_password(""));
  EXPECT_TRUE(check_password("1234567"));
  EXPECT_TRUE(check_password(std::string(129, 'x')));
  EXPECT_TRUE(check_password("密码密码"));  // 12 bytes but 4 characters
  EXPECT_TRUE(check_password(std::string("1234\0" "5678", 9)));
}

}  // namespace
}  // namespace chuhe::net
