// Accounts and ratings shared by the nodes of a cluster (persistence/redis_user_store.h), against a real
// redis-server. Two RedisClients, each with its own RedisUserStore, stand for two nodes: a name
// registered on both at once is taken once, and games of the same players rated on both at once are
// all applied (the compare-and-set write retries from a fresh read).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "persistence/redis_client.h"
#include "persistence/redis_user_store.h"
#include "tests/support/await.h"
#include "tests/support/redis_server.h"

namespace chuhe::persistence {
namespace {

using namespace std::chrono_literals;
using test::await;
using test::eventually;

// The value a callback-style call hands back; throws (failing the test) after 10 s.
template <class T, class Start>
T wait(Start start) {
  return test::await_value<T>(std::move(start), 10s);
}

class RedisUserStoreTest : public ::testing::Test {
 protected:
  RedisOptions options() const {
    RedisOptions o;
    o.host = redis_.host();
    o.port = redis_.port();
    o.command_timeout_ms = 5000;  // a loaded CI machine must not turn a slow answer into "unavailable"
    return o;
  }

  void SetUp() override {
    ASSERT_TRUE(eventually([&] { return client_a_.available() && client_b_.available(); }, 5s));
  }

  UserResult create(RedisUserStore& store, const std::string& id, const std::string& name, bool guest = false) {
    return wait<UserResult>([&](auto done) {
      store.create_user(NewUser{id, name, guest, guest ? "" : "$argon2id$hash-of-" + id}, std::move(done));
    });
  }
  UserResult by_name(RedisUserStore& store, const std::string& name) {
    return wait<UserResult>([&](auto done) { store.find_by_name(name, std::move(done)); });
  }
  UserResult by_id(RedisUserStore& store, const std::string& id) {
    return wait<UserResult>([&](auto done) { store.find_by_id(id, std::move(done)); });
  }
  RatingUpdate rate(RedisUserStore& store, const std::string& red, const std::string& black, double score) {
    return wait<RatingUpdate>([&](auto done) { store.rate_game(red, black, score, std::move(done)); });
  }
  LeaderboardResult leaderboard(RedisUserStore& store, int limit = 100) {
    return wait<LeaderboardResult>([&](auto done) { store.leaderboard(limit, std::move(done)); });
  }
  RedisReply redis(std::vector<std::string> args) {
    return wait<RedisReply>([&](auto done) { client_a_.command(std::move(args), std::move(done)); });
  }

  test::RedisServer redis_;
  RedisClient client_a_{options()};
  RedisClient client_b_{options()};
  RedisUserStore node_a_{client_a_};
  RedisUserStore node_b_{client_b_};
};

TEST_F(RedisUserStoreTest, CreatedUsersAreFoundByNameCaseInsensitivelyAndByIdOnEveryNode) {
  auto created = create(node_a_, "u_alice", "Alice");
  ASSERT_EQ(created.status, UserStatus::ok);
  EXPECT_EQ(created.user.name, "Alice");
  EXPECT_GT(created.user.created_at, 0);

  for (auto* store : {&node_a_, &node_b_}) {
    for (const char* name : {"Alice", "alice", "ALICE"}) {
      auto found = by_name(*store, name);
      ASSERT_EQ(found.status, UserStatus::ok) << name;
      EXPECT_EQ(found.user.id, "u_alice");
      EXPECT_EQ(found.user.name, "Alice");
      EXPECT_FALSE(found.user.guest);
      EXPECT_EQ(found.user.password_hash, "$argon2id$hash-of-u_alice");
      EXPECT_DOUBLE_EQ(found.user.rating.rating, 1500);
      EXPECT_DOUBLE_EQ(found.user.rating.rd, 500);
      EXPECT_DOUBLE_EQ(found.user.rating.volatility, 0.09);
      EXPECT_EQ(found.user.rated_games, 0);
      EXPECT_EQ(found.user.created_at, created.user.created_at);
    }
    auto found = by_id(*store, "u_alice");
    ASSERT_EQ(found.status, UserStatus::ok);
    EXPECT_EQ(found.user.name, "Alice");
  }
  EXPECT_EQ(by_name(node_b_, "bob").status, UserStatus::not_found);
  EXPECT_EQ(by_id(node_b_, "u_nobody").status, UserStatus::not_found);
  // The same name in another case is taken, on the other node too; so is the same id.
  EXPECT_EQ(create(node_b_, "u_alice2", "aLiCe").status, UserStatus::name_taken);
  EXPECT_EQ(create(node_b_, "u_alice", "Alicia").status, UserStatus::error);
  EXPECT_EQ(by_name(node_a_, "Alicia").status, UserStatus::not_found) << "a refused create leaves nothing";
  EXPECT_EQ(redis({"TTL", "chuhe:user:u_alice"}).integer, -1) << "registered users never expire";
}

TEST_F(RedisUserStoreTest, GuestsAreFoundByIdOnlyAndExpire) {
  ASSERT_EQ(create(node_a_, "u_reg", "Carol").status, UserStatus::ok);
  // A guest may carry any name, even a registered one's (the auth service refuses that earlier).
  ASSERT_EQ(create(node_a_, "g_1", "Guest-1234", true).status, UserStatus::ok);
  ASSERT_EQ(create(node_b_, "g_2", "Guest-1234", true).status, UserStatus::ok);
  ASSERT_EQ(create(node_b_, "g_3", "carol", true).status, UserStatus::ok);
  EXPECT_EQ(by_name(node_a_, "Guest-1234").status, UserStatus::not_found);
  auto carol = by_name(node_b_, "Carol");
  ASSERT_EQ(carol.status, UserStatus::ok);
  EXPECT_EQ(carol.user.id, "u_reg");
  auto guest = by_id(node_b_, "g_1");
  ASSERT_EQ(guest.status, UserStatus::ok);
  EXPECT_TRUE(guest.user.guest);
  EXPECT_TRUE(guest.user.password_hash.empty());
  auto ttl = redis({"TTL", "chuhe:user:g_1"});
  ASSERT_TRUE(ttl.is_integer());
  EXPECT_GT(ttl.integer, 3600);
  EXPECT_LE(ttl.integer, 24 * 3600);
  long long pruned = wait<long long>([&](auto done) { node_a_.prune_guests(1LL << 40, std::move(done)); });
  EXPECT_EQ(pruned, 0) << "guests expire by themselves";
  // A guest and a registered user both need a password or none.
  EXPECT_EQ(wait<UserResult>([&](auto done) { node_a_.create_user(NewUser{"u_x", "Dave", false, ""}, std::move(done)); }).status,
            UserStatus::error);
  // A guest cannot be rated.
  EXPECT_EQ(rate(node_a_, "u_reg", "g_1", 1).status, UserStatus::not_found);
  EXPECT_EQ(rate(node_a_, "u_reg", "u_reg", 1).status, UserStatus::not_found);
  EXPECT_EQ(rate(node_a_, "u_reg", "u_nobody", 1).status, UserStatus::not_found);
  EXPECT_EQ(by_id(node_a_, "u_reg").user.rated_games, 0);

  RedisUserStoreOptions short_lived;
  short_lived.guest_ttl = 1s;
  RedisUserStore quick(client_a_, short_lived);
  ASSERT_EQ(create(quick, "g_quick", "Guest-9", true).status, UserStatus::ok);
  EXPECT_TRUE(eventually([&] { return by_id(quick, "g_quick").status == UserStatus::not_found; }, 5s, 100ms));
}

TEST_F(RedisUserStoreTest, ANameRegisteredOnTwoNodesAtOnceIsTakenOnce) {
  constexpr int kRounds = 20, kThreads = 8;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::atomic<int> ok{0}, taken{0}, other{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        RedisUserStore& store = t % 2 ? node_b_ : node_a_;
        std::string name = (t % 2 ? "RACER" : "racer") + std::to_string(round);
        while (!go.load()) std::this_thread::yield();
        auto r = create(store, "u_r" + std::to_string(round) + "_" + std::to_string(t), name);
        (r.status == UserStatus::ok ? ok : r.status == UserStatus::name_taken ? taken : other)++;
      });
    }
    go = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 1);
    EXPECT_EQ(taken.load(), kThreads - 1);
    EXPECT_EQ(other.load(), 0);
    auto winner = by_name(node_a_, "Racer" + std::to_string(round));
    ASSERT_EQ(winner.status, UserStatus::ok);
    // Only the winner was written.
    int stored = 0;
    for (int t = 0; t < kThreads; ++t)
      stored += by_id(node_b_, "u_r" + std::to_string(round) + "_" + std::to_string(t)).status == UserStatus::ok;
    EXPECT_EQ(stored, 1);
  }
}

TEST_F(RedisUserStoreTest, ARatedGameUpdatesBothPlayersAndTheLeaderboard) {
  ASSERT_EQ(create(node_a_, "u_a", "Ann").status, UserStatus::ok);
  ASSERT_EQ(create(node_a_, "u_b", "Ben").status, UserStatus::ok);
  ASSERT_EQ(create(node_b_, "u_c", "Cid").status, UserStatus::ok);
  ASSERT_EQ(create(node_b_, "g_x", "Guest-1", true).status, UserStatus::ok);
  auto empty = leaderboard(node_a_);
  ASSERT_EQ(empty.status, UserStatus::ok);
  EXPECT_TRUE(empty.users.empty()) << "nobody has played a rated game";

  auto update = rate(node_a_, "u_a", "u_b", 1);  // Ann (red) beats Ben
  ASSERT_EQ(update.status, UserStatus::ok);
  EXPECT_DOUBLE_EQ(update.red_before.rating, 1500);
  EXPECT_DOUBLE_EQ(update.black_before.rating, 1500);
  EXPECT_GT(update.red_after.rating, 1500);
  EXPECT_LT(update.black_after.rating, 1500);
  EXPECT_LT(update.red_after.rd, 500);

  auto ann = by_id(node_b_, "u_a"), ben = by_name(node_b_, "ben");
  ASSERT_EQ(ann.status, UserStatus::ok);
  ASSERT_EQ(ben.status, UserStatus::ok);
  EXPECT_DOUBLE_EQ(ann.user.rating.rating, update.red_after.rating);
  EXPECT_DOUBLE_EQ(ann.user.rating.rd, update.red_after.rd);
  EXPECT_DOUBLE_EQ(ann.user.rating.volatility, update.red_after.volatility);
  EXPECT_DOUBLE_EQ(ben.user.rating.rating, update.black_after.rating);
  EXPECT_EQ(ann.user.rated_games, 1);
  EXPECT_EQ(ben.user.rated_games, 1);

  auto board = leaderboard(node_b_);
  ASSERT_EQ(board.status, UserStatus::ok);
  ASSERT_EQ(board.users.size(), 2u) << "Cid has no rated game and the guest none either";
  EXPECT_EQ(board.users[0].name, "Ann");
  EXPECT_EQ(board.users[1].name, "Ben");
  EXPECT_TRUE(board.users[0].password_hash.empty());
  EXPECT_EQ(board.users[0].rated_games, 1);

  // Cid beats Ann twice (black wins): Cid goes to the top; the limit cuts the list.
  ASSERT_EQ(rate(node_b_, "u_a", "u_c", 0).status, UserStatus::ok);
  ASSERT_EQ(rate(node_a_, "u_a", "u_c", 0).status, UserStatus::ok);
  board = leaderboard(node_a_, 2);
  ASSERT_EQ(board.status, UserStatus::ok);
  ASSERT_EQ(board.users.size(), 2u);
  EXPECT_EQ(board.users[0].name, "Cid");
  EXPECT_EQ(board.users[0].rated_games, 2);
  EXPECT_GE(board.users[0].rating.rating, board.users[1].rating.rating);
  EXPECT_EQ(by_id(node_a_, "u_a").user.rated_games, 3);
  EXPECT_EQ(leaderboard(node_a_).users.size(), 3u);
  // Still the same as the users' own records.
  for (const auto& u : leaderboard(node_b_).users)
    EXPECT_DOUBLE_EQ(u.rating.rating, by_id(node_b_, u.id).user.rating.rating) << u.name;
}

TEST_F(RedisUserStoreTest, GamesOfTheSamePlayersRatedOnTwoNodesAtOnceAreAllApplied) {
  ASSERT_EQ(create(node_a_, "u_p", "Pat").status, UserStatus::ok);
  ASSERT_EQ(create(node_b_, "u_q", "Quinn").status, UserStatus::ok);

  // One game on each node, both in flight at once.
  auto box = std::make_shared<test::Mailbox<RatingUpdate>>();
  node_a_.rate_game("u_p", "u_q", 1, [box](RatingUpdate u) { box->push(u); });
  node_b_.rate_game("u_p", "u_q", 0.5, [box](RatingUpdate u) { box->push(u); });
  std::vector<RatingUpdate> updates;
  for (int i = 0; i < 2; ++i) {
    auto u = box->pop(10s);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->status, UserStatus::ok);
    updates.push_back(*u);
  }
  EXPECT_EQ(by_id(node_a_, "u_p").user.rated_games, 2);
  EXPECT_EQ(by_id(node_b_, "u_q").user.rated_games, 2);
  // Applied one after the other: the second was computed from the first's result, not from the start
  // (a draw between equals leaves the rating at 1500 but not the deviation).
  EXPECT_NE(updates[0].red_before.rd, updates[1].red_before.rd);

  // Several at once on each node: every write after the first of a batch is refused and retried.
  constexpr int kPerNode = 5;
  auto pat_red = std::make_shared<test::Mailbox<RatingUpdate>>();    // node A: Pat plays red
  auto pat_black = std::make_shared<test::Mailbox<RatingUpdate>>();  // node B: Pat plays black
  for (int i = 0; i < kPerNode; ++i) {
    node_a_.rate_game("u_p", "u_q", i % 2, [pat_red](RatingUpdate u) { pat_red->push(u); });
    node_b_.rate_game("u_q", "u_p", 0.5, [pat_black](RatingUpdate u) { pat_black->push(u); });
  }
  // Pat's rating each game was computed from: all different (each game saw the previous one's result).
  std::set<std::tuple<double, double, double>> bases;
  for (auto* box : {pat_red.get(), pat_black.get()}) {
    for (int i = 0; i < kPerNode; ++i) {
      auto u = box->pop(10s);
      ASSERT_TRUE(u);
      ASSERT_EQ(u->status, UserStatus::ok);
      const Glicko2& before = box == pat_red.get() ? u->red_before : u->black_before;
      bases.insert({before.rating, before.rd, before.volatility});
    }
  }
  EXPECT_EQ(bases.size(), 2u * kPerNode) << "two games were rated from the same ratings: one was lost";
  auto pat = by_id(node_a_, "u_p"), quinn = by_id(node_a_, "u_q");
  EXPECT_EQ(pat.user.rated_games, 2 + 2 * kPerNode);
  EXPECT_EQ(quinn.user.rated_games, 2 + 2 * kPerNode);
  auto board = leaderboard(node_b_);
  ASSERT_EQ(board.users.size(), 2u);
  for (const auto& u : board.users) EXPECT_DOUBLE_EQ(u.rating.rating, by_id(node_a_, u.id).user.rating.rating);
}

TEST_F(RedisUserStoreTest, WithRedisDownEveryRequestAnswersErrorNotNotFound) {
  ASSERT_EQ(create(node_a_, "u_z", "Zed").status, UserStatus::ok);
  redis_.kill();
  ASSERT_TRUE(eventually([&] { return !client_a_.available(); }, 5s));
  EXPECT_EQ(by_name(node_a_, "Zed").status, UserStatus::error);
  EXPECT_EQ(by_id(node_a_, "u_z").status, UserStatus::error);
  EXPECT_EQ(create(node_a_, "u_y", "Yan").status, UserStatus::error);
  EXPECT_EQ(rate(node_a_, "u_z", "u_y", 1).status, UserStatus::error);
  EXPECT_EQ(leaderboard(node_a_).status, UserStatus::error);
}

}  // namespace
}  // namespace chuhe::persistence
