// The users table on a real SQLite file in a temporary directory.
#include "persistence/user_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/support/await.h"
#include "tests/support/temp_dir.h"

namespace chuhe::persistence {
namespace {

using test::await;

class UserStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteDb> open_db() {
    std::string error;
    auto db = SqliteDb::open(SqliteOptions{dir_.path() / "archive.sqlite3"}, archive_migrations(), error);
    EXPECT_TRUE(db) << error;
    return db;
  }

  UserResult create(UserStore& store, NewUser user) {
    auto r = await<UserResult>([&](auto done) { store.create_user(std::move(user), done); });
    EXPECT_TRUE(r) << "no answer";
    return r.value_or(UserResult{});
  }
  UserResult by_name(UserStore& store, std::string name) {
    return await<UserResult>([&](auto done) { store.find_by_name(name, done); }).value_or(UserResult{});
  }
  UserResult by_id(UserStore& store, std::string id) {
    return await<UserResult>([&](auto done) { store.find_by_id(id, done); }).value_or(UserResult{});
  }

  test::TempDir dir_{"chuhe-users"};
};

TEST_F(UserStoreTest, CreateAndFind) {
  auto db = open_db();
  UserStore store(*db);
  UserResult created = create(store, NewUser{"u_1", "Alice", false, "$argon2id$fake"});
  ASSERT_EQ(created.status, UserStatus::ok);
  EXPECT_EQ(created.user.rating.rating, 1500);
  EXPECT_EQ(created.user.rating.rd, 500);  // lichess's Glicko-2 start (persistence/glicko2.h)
  EXPECT_DOUBLE_EQ(created.user.rating.volatility, 0.09);
  EXPECT_EQ(created.user.rated_games, 0);
  EXPECT_GT(created.user.created_at, 1'600'000'000);

  UserResult found = by_name(store, "aLiCe");
  ASSERT_EQ(found.status, UserStatus::ok);
  EXPECT_EQ(found.user.id, "u_1");
  EXPECT_EQ(found.user.name, "Alice");
  EXPECT_EQ(found.user.password_hash, "$argon2id$fake");
  EXPECT_FALSE(found.user.guest);
  EXPECT_EQ(found.user.created_at, created.user.created_at);

  EXPECT_EQ(by_id(store, "u_1").user.name, "Alice");
  EXPECT_EQ(by_id(store, "u_2").status, UserStatus::not_found);
  EXPECT_EQ(by_name(store, "bob").status, UserStatus::not_found);
}

TEST_F(UserStoreTest, RegisteredNamesAreUniqueCaseInsensitively) {
  auto db = open_db();
  UserStore store(*db);
  ASSERT_EQ(create(store, NewUser{"u_1", "Carol", false, "h"}).status, UserStatus::ok);
  EXPECT_EQ(create(store, NewUser{"u_2", "carol", false, "h"}).status, UserStatus::name_taken);
  EXPECT_EQ(create(store, NewUser{"u_3", "CAROL", false, "h"}).status, UserStatus::name_taken);
  EXPECT_EQ(create(store, NewUser{"u_4", "Carol2", false, "h"}).status, UserStatus::ok);
}

TEST_F(UserStoreTest, GuestsAreStoredButNotUniqueOrFoundByName) {
  auto db = open_db();
  UserStore store(*db);
  ASSERT_EQ(create(store, NewUser{"u_g1", "Guest-abc", true, ""}).status, UserStatus::ok);
  ASSERT_EQ(create(store, NewUser{"u_g2", "guest-ABC", true, ""}).status, UserStatus::ok);
  EXPECT_EQ(by_name(store, "Guest-abc").status, UserStatus::not_found);
  UserResult guest = by_id(store, "u_g1");
  ASSERT_EQ(guest.status, UserStatus::ok);
  EXPECT_TRUE(guest.user.guest);
  EXPECT_TRUE(guest.user.password_hash.empty());
  // A registered user may take a name a guest used.
  EXPECT_EQ(create(store, NewUser{"u_r", "GUEST-abc", false, "h"}).status, UserStatus::ok);
}

TEST_F(UserStoreTest, InconsistentUsersAreRefused) {
  auto db = open_db();
  UserStore store(*db);
  EXPECT_EQ(create(store, NewUser{"u_1", "Dan", false, ""}).status, UserStatus::error);   // no hash
  EXPECT_EQ(create(store, NewUser{"u_2", "Eve", true, "h"}).status, UserStatus::error);   // guest with one
  ASSERT_EQ(create(store, NewUser{"u_3", "Fay", false, "h"}).status, UserStatus::ok);
  EXPECT_EQ(create(store, NewUser{"u_3", "Gus", false, "h"}).status, UserStatus::error);  // id reused
}

TEST_F(UserStoreTest, SurvivesReopenAndIsInWalMode) {
  {
    auto db = open_db();
    UserStore store(*db);
    ASSERT_EQ(create(store, NewUser{"u_1", "Hana", false, "h"}).status, UserStatus::ok);
  }
  auto db = open_db();
  UserStore store(*db);
  EXPECT_EQ(by_name(store, "hana").user.id, "u_1");

  auto mode = await<std::string>([&](auto done) {
    db->post([done](sqlite3* raw) {
      sqlite3_stmt* stmt = nullptr;
      sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &stmt, nullptr);
      sqlite3_step(stmt);
      std::string m = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      sqlite3_finalize(stmt);
      done(m);
    });
  });
  EXPECT_EQ(mode, "wal");
}

TEST_F(UserStoreTest, RatedGamesMoveBothRatingsInOneStepAndFillTheLeaderboard) {
  auto db = open_db();
  UserStore store(*db);
  create(store, NewUser{"u_a", "Ann", false, "$argon2id$a"});
  create(store, NewUser{"u_b", "Bo", false, "$argon2id$b"});
  create(store, NewUser{"u_g", "Guest-1", true, ""});
  auto rate = [&](std::string red, std::string black, double score) {
    return await<RatingUpdate>([&](auto done) { store.rate_game(red, black, score, done); }).value_or(RatingUpdate{});
  };
  auto board = [&] {
    return await<LeaderboardResult>([&](auto done) { store.leaderboard(10, done); }).value_or(LeaderboardResult{});
  };
  EXPECT_EQ(board().users.size(), 0u) << "nobody has a rated game yet";

  RatingUpdate first = rate("u_a", "u_b", 1.0);
  ASSERT_EQ(first.status, UserStatus::ok);
  EXPECT_EQ(first.red_before.rating, 1500);
  EXPECT_GT(first.red_after.rating, 1500);
  EXPECT_LT(first.black_after.rating, 1500);
  EXPECT_NEAR(first.red_after.rating - 1500, 1500 - first.black_after.rating, 1e-6);  // equal starts: symmetric
  EXPECT_LT(first.red_after.rd, 500);
  EXPECT_EQ(by_id(store, "u_a").user.rated_games, 1);
  EXPECT_DOUBLE_EQ(by_id(store, "u_b").user.rating.rating, first.black_after.rating);

  // The next game starts from the stored values.
  RatingUpdate second = rate("u_b", "u_a", 0.5);
  ASSERT_EQ(second.status, UserStatus::ok);
  EXPECT_DOUBLE_EQ(second.red_before.rating, first.black_after.rating);
  EXPECT_GT(second.red_after.rating, second.red_before.rating) << "a draw against a stronger player gains";

  // Guests, unknown users and self-play change nothing.
  EXPECT_EQ(rate("u_a", "u_g", 1.0).status, UserStatus::not_found);
  EXPECT_EQ(rate("u_a", "nobody", 1.0).status, UserStatus::not_found);
  EXPECT_EQ(rate("u_a", "u_a", 1.0).status, UserStatus::not_found);
  EXPECT_EQ(by_id(store, "u_a").user.rated_games, 2);

  LeaderboardResult top = board();
  ASSERT_EQ(top.status, UserStatus::ok);
  ASSERT_EQ(top.users.size(), 2u);
  EXPECT_EQ(top.users[0].id, "u_a");
  EXPECT_GE(top.users[0].rating.rating, top.users[1].rating.rating);
  EXPECT_TRUE(top.users[0].password_hash.empty()) << "never handed out";
}

TEST_F(UserStoreTest, PruningRemovesOldGuestsOnly) {
  auto db = open_db();
  UserStore store(*db);
  create(store, NewUser{"u_r", "Reg", false, "$argon2id$r"});
  create(store, NewUser{"u_g1", "Guest-1", true, ""});
  create(store, NewUser{"u_g2", "Guest-2", true, ""});
  auto prune = [&](std::int64_t before) {
    return await<long long>([&](auto done) { store.prune_guests(before, done); }).value_or(-2);
  };
  EXPECT_EQ(prune(0), 0) << "nobody was created before 1970";
  const auto later = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count() + 10;
  EXPECT_EQ(prune(later), 2);
  EXPECT_EQ(by_id(store, "u_g1").status, UserStatus::not_found);
  EXPECT_EQ(by_id(store, "u_r").status, UserStatus::ok);
}

TEST_F(UserStoreTest, MigrationsSetTheSchemaVersion) {
  auto db = open_db();
  auto version = await<int>([&](auto done) { db->post([done](sqlite3* raw) { done(schema_version(raw)); }); });
  EXPECT_EQ(version, static_cast<int>(archive_migrations().size()));
}

TEST_F(UserStoreTest, ALaterMigrationAppliesOnTopAndANewerDatabaseIsRefused) {
  { auto db = open_db(); }
  std::vector<Migration> extended(archive_migrations().begin(), archive_migrations().end());
  extended.push_back(Migration{static_cast<int>(extended.size()) + 1, "test table",
                               "CREATE TABLE later (x INTEGER); INSERT INTO later VALUES (7);"});
  std::string error;
  {
    auto db = SqliteDb::open(SqliteOptions{dir_.path() / "archive.sqlite3"}, extended, error);
    ASSERT_TRUE(db) << error;
    auto version = await<int>([&](auto done) { db->post([done](sqlite3* raw) { done(schema_version(raw)); }); });
    EXPECT_EQ(version, static_cast<int>(extended.size()));
  }
  // This database is now newer than the shipped list: a downgrade must refuse to start.
  auto db = SqliteDb::open(SqliteOptions{dir_.path() / "archive.sqlite3"}, archive_migrations(), error);
  EXPECT_FALSE(db);
  EXPECT_NE(error.find("newer"), std::string::npos) << error;
}

TEST_F(UserStoreTest, AFailingMigrationLeavesTheVersionAlone) {
  std::vector<Migration> broken(archive_migrations().begin(), archive_migrations().end());
  broken.push_back(Migration{static_cast<int>(broken.size()) + 1, "broken", "CREATE TABLE t (x); SELEC nonsense;"});
  std::string error;
  EXPECT_FALSE(SqliteDb::open(SqliteOptions{dir_.path() / "archive.sqlite3"}, broken, error));
  EXPECT_NE(error.find("broken"), std::string::npos) << error;
  auto db = open_db();  // the earlier migrations committed; the broken one rolled back entirely
  ASSERT_TRUE(db);
  auto has_t = await<bool>([&](auto done) {
    db->post([done](sqlite3* raw) {
      done(sqlite3_exec(raw, "SELECT * FROM t", nullptr, nullptr, nullptr) == SQLITE_OK);
    });
  });
  EXPECT_EQ(has_t, false);
}

TEST_F(UserStoreTest, OutOfOrderMigrationListIsRefused) {
  std::vector<Migration> wrong = {Migration{2, "skips one", "SELECT 1"}};
  std::string error;
  EXPECT_FALSE(SqliteDb::open(SqliteOptions{dir_.path() / "x.sqlite3"}, wrong, error));
  EXPECT_NE(error.find("order"), std::string::npos) << error;
}

}  // namespace
}  // namespace chuhe::persistence
