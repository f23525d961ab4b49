// RedisClient and RedisSubscriber with nothing listening: requests fail fast, never hang.
#include <gtest/gtest.h>

#include <chrono>

#include "persistence/redis_client.h"
#include "persistence/redis_subscriber.h"
#include "tests/support/await.h"
#include "tests/support/ports.h"

namespace chuhe::persistence {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

RedisOptions closed_port() {
  RedisOptions o;
  o.port = test::free_loopback_port();  // nothing listens there
  return o;
}

TEST(RedisOffline, CommandsAnswerUnavailableQuickly) {
  RedisClient client(closed_port());
  for (int i = 0; i < 20; ++i) {
    auto start = Clock::now();
    auto reply = test::await<RedisReply>([&](auto done) { client.command({"PING"}, done); });
    ASSERT_TRUE(reply);
    EXPECT_TRUE(reply->is_unavailable());
    EXPECT_FALSE(reply->text.empty());
    EXPECT_LT(Clock::now() - start, 200ms);
  }
  EXPECT_FALSE(client.available());
}

TEST(RedisOffline, FullQueueRefusesAtOnce) {
  RedisOptions o = closed_port();
  o.queue_limit = 0;
  RedisClient client(o);
  bool answered = false;
  client.command({"PING"}, [&](RedisReply r) { answered = r.is_unavailable(); });
  EXPECT_TRUE(answered);  // on this thread, before command() returned
}

TEST(RedisOffline, DestructorAnswersPendingAndReturnsPromptly) {
  auto box = std::make_shared<test::Mailbox<RedisReply>>();
  auto start = Clock::now();
  {
    RedisClient client(closed_port());
    for (int i = 0; i < 100; ++i) client.command({"PING"}, [box](RedisReply r) { box->push(std::move(r)); });
  }
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(box->size(), 100u);
}

TEST(RedisOffline, SubscriberStaysUnreadyAndStopsPromptly) {
  auto start = Clock::now();
  {
    RedisSubscriber subscriber(closed_port());
    subscriber.subscribe("chan", [](const std::string&, const std::string&) {});
    EXPECT_FALSE(subscriber.ready());
  }
  EXPECT_LT(Clock::now() - start, 1s);
}

}  // namespace
}  // namespace chuhe::persistence
