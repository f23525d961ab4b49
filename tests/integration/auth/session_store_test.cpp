// SessionStore on a real redis-server: create, look up, expire, revoke, and the revocation broadcast.
#include "persistence/session_store.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/support/await.h"
#include "tests/support/ports.h"
#include "tests/support/redis_server.h"

namespace chuhe::persistence {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

RedisOptions options_for(const test::RedisServer& server) {
  RedisOptions o;
  o.port = server.port();
  return o;
}

class SessionStoreTest : public ::testing::Test {
 protected:
  StoreStatus create(const std::string& jti, SessionInfo info, std::chrono::seconds ttl = 60s) {
    return test::await<StoreStatus>([&](auto done) { store_.create(jti, info, ttl, done); })
        .value_or(StoreStatus::unavailable);
  }
  SessionLookup lookup(const std::string& jti) {
    return test::await<SessionLookup>([&](auto done) { store_.lookup(jti, done); }).value_or(SessionLookup{});
  }
  StoreStatus revoke(const std::string& jti) {
    return test::await<StoreStatus>([&](auto done) { store_.revoke(jti, done); }).value_or(StoreStatus::unavailable);
  }
  RedisReply raw(std::vector<std::string> args) {
    return test::await<RedisReply>([&](auto done) { client_.command(std::move(args), done); }).value_or(RedisReply{});
  }

  test::RedisServer server_;
  RedisClient client_{options_for(server_)};
  RedisSubscriber subscriber_{options_for(server_)};
  SessionStore store_{client_, &subscriber_};
};

TEST_F(SessionStoreTest, CreateLookupRevoke) {
  ASSERT_EQ(create("j1", SessionInfo{"u_1", "Alice", false}), StoreStatus::ok);
  SessionLookup found = lookup("j1");
  ASSERT_EQ(found.status, StoreStatus::ok);
  EXPECT_EQ(found.info.user_id, "u_1");
  EXPECT_EQ(found.info.name, "Alice");
  EXPECT_FALSE(found.info.guest);
  EXPECT_EQ(lookup("nope").status, StoreStatus::not_found);

  EXPECT_EQ(revoke("j1"), StoreStatus::ok);
  EXPECT_EQ(lookup("j1").status, StoreStatus::not_found);
  EXPECT_EQ(revoke("j1"), StoreStatus::ok);  // idempotent
}

TEST_F(SessionStoreTest, KeyLayoutAndTtl) {
  ASSERT_EQ(create("j2", SessionInfo{"u_2", "Bob", true}, 3600s), StoreStatus::ok);
  RedisReply ttl = raw({"TTL", "session:j2"});
  ASSERT_TRUE(ttl.is_integer());
  EXPECT_GT(ttl.integer, 3590);
  EXPECT_LE(ttl.integer, 3600);
  EXPECT_EQ(lookup("j2").info.guest, true);
}

TEST_F(SessionStoreTest, ExpiredSessionIsGone) {
  ASSERT_EQ(create("j3", SessionInfo{"u_3", "Cy", false}, 1s), StoreStatus::ok);
  EXPECT_TRUE(test::eventually([&] { return lookup("j3").status == StoreStatus::not_found; }, 3s, 50ms));
}

TEST_F(SessionStoreTest, UnreadableValueIsNotASession) {
  raw({"SET", "session:bad", "{not json"});
  EXPECT_EQ(lookup("bad").status, StoreStatus::not_found);
  raw({"SET", "session:bad2", R"({"user_id":1,"name":"x","guest":false})"});
  EXPECT_EQ(lookup("bad2").status, StoreStatus::not_found);
}

TEST_F(SessionStoreTest, RevocationReachesAnotherNodeWithinOneSecond) {
  // "Another node": its own client, subscriber and store on the same Redis.
  RedisClient other_client(options_for(server_));
  RedisSubscriber other_subscriber(options_for(server_));
  SessionStore other(other_client, &other_subscriber);
  auto ready = std::make_shared<test::Mailbox<bool>>();
  auto revoked = std::make_shared<test::Mailbox<std::string>>();
  other_subscriber.on_ready([ready] { ready->push(true); });
  other.on_revoked([revoked](const std::string& jti) { revoked->push(jti); });
  ASSERT_TRUE(ready->pop());

  ASSERT_EQ(create("j4", SessionInfo{"u_4", "Dee", false}), StoreStatus::ok);
  auto start = Clock::now();
  ASSERT_EQ(revoke("j4"), StoreStatus::ok);
  auto jti = revoked->pop(1s);
  ASSERT_TRUE(jti) << "revocation not delivered within 1 s";
  EXPECT_EQ(*jti, "j4");
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST_F(SessionStoreTest, UnavailableWhileRedisIsDownNeverNotFound) {
  ASSERT_EQ(create("j5", SessionInfo{"u_5", "Eli", false}), StoreStatus::ok);
  server_.kill();
  auto start = Clock::now();
  EXPECT_EQ(lookup("j5").status, StoreStatus::unavailable);
  EXPECT_EQ(create("j6", SessionInfo{"u_6", "Fox", false}), StoreStatus::unavailable);
  EXPECT_EQ(revoke("j5"), StoreStatus::unavailable);
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_FALSE(store_.available());
}

TEST(SessionStoreNoSubscriber, OnRevokedNeedsASubscriber) {
  RedisOptions o;
  o.port = test::free_loopback_port();
  RedisClient client(o);
  SessionStore store(client, nullptr);
  EXPECT_THROW(store.on_revoked([](const std::string&) {}), std::logic_error);
}

}  // namespace
}  // namespace chuhe::persistence
