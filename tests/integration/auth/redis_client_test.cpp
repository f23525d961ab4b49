// RedisClient and RedisSubscriber against a real redis-server: replies, loss and recovery of Redis,
// a hung Redis, and pub/sub with automatic resubscription.
#include <gtest/gtest.h>

#include <chrono>

#include "persistence/redis_client.h"
#include "persistence/redis_subscriber.h"
#include "tests/support/await.h"
#include "tests/support/redis_server.h"

namespace chuhe::persistence {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

RedisOptions options_for(const test::RedisServer& server) {
  RedisOptions o;
  o.host = server.host();
  o.port = server.port();
  return o;
}

RedisReply run(RedisClient& client, std::vector<std::string> args) {
  auto r = test::await<RedisReply>([&](auto done) { client.command(std::move(args), done); });
  EXPECT_TRUE(r) << "no answer within 5 s";
  return r.value_or(RedisReply{});
}

// Retries a command until it succeeds or `within` passes: recovery is asynchronous (reconnect backoff).
bool recovers(RedisClient& client, std::chrono::milliseconds within) {
  return test::eventually([&] { return run(client, {"PING"}).is_status("PONG"); }, within, 20ms);
}

TEST(RedisClient, RepliesOfEveryType) {
  test::RedisServer server;
  RedisClient client(options_for(server));
  EXPECT_TRUE(run(client, {"SET", "k", std::string("bin\0ary", 7)}).is_status("OK"));
  RedisReply got = run(client, {"GET", "k"});
  ASSERT_TRUE(got.is_string());
  EXPECT_EQ(got.text, std::string("bin\0ary", 7));
  EXPECT_TRUE(run(client, {"GET", "missing"}).is_nil());
  RedisReply n = run(client, {"INCR", "counter"});
  ASSERT_TRUE(n.is_integer());
  EXPECT_EQ(n.integer, 1);
  RedisReply err = run(client, {"INCR", "k"});
  EXPECT_TRUE(err.is_error());
  EXPECT_NE(err.text.find("ERR"), std::string::npos);
  run(client, {"RPUSH", "list", "a", "b"});
  RedisReply list = run(client, {"LRANGE", "list", "0", "-1"});
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.elements.size(), 2u);
  EXPECT_EQ(list.elements[1].text, "b");
  EXPECT_TRUE(client.available());
}

TEST(RedisClient, CallbacksMayIssueCommandsAndOrderIsKept) {
  test::RedisServer server;
  RedisClient client(options_for(server));
  auto box = std::make_shared<test::Mailbox<long long>>();
  for (int i = 0; i < 100; ++i) client.command({"RPUSH", "seq", std::to_string(i)}, nullptr);
  client.command({"LLEN", "seq"}, [&client, box](RedisReply r) {
    box->push(r.integer);
    client.command({"LINDEX", "seq", "99"}, [box](RedisReply last) { box->push(std::stoll(last.text)); });
  });
  EXPECT_EQ(box->pop(), 100);
  EXPECT_EQ(box->pop(), 99);
}

TEST(RedisClient, FailsFastWhileRedisIsDownAndRecoversByItself) {
  test::RedisServer server;
  RedisClient client(options_for(server));
  ASSERT_TRUE(run(client, {"SET", "k", "v"}).is_status("OK"));

  server.kill();
  for (int i = 0; i < 10; ++i) {
    auto start = Clock::now();
    EXPECT_TRUE(run(client, {"GET", "k"}).is_unavailable());
    EXPECT_LT(Clock::now() - start, 600ms);  // never longer than one command timeout
  }
  EXPECT_FALSE(client.available());

  server.restart();
  EXPECT_TRUE(recovers(client, 5s));
  EXPECT_TRUE(client.available());
  EXPECT_TRUE(run(client, {"SET", "k", "again"}).is_status("OK"));
}

TEST(RedisClient, NoticesALostIdleConnectionWithoutACommand) {
  test::RedisServer server;
  RedisClient client(options_for(server));
  ASSERT_TRUE(run(client, {"PING"}).is_status("PONG"));
  server.kill();
  EXPECT_TRUE(test::eventually([&] { return !client.available(); }, 2s));
  server.restart();
  // The first command after the restart succeeds: the client reconnected on its own, no failure first.
  EXPECT_TRUE(test::eventually([&] { return client.available(); }, 5s));
  EXPECT_TRUE(run(client, {"PING"}).is_status("PONG"));
}

TEST(RedisClient, AHungRedisTimesOut) {
  test::RedisServer server;
  RedisOptions o = options_for(server);
  o.command_timeout_ms = 300;
  RedisClient client(o);
  ASSERT_TRUE(run(client, {"PING"}).is_status("PONG"));
  server.pause();
  auto start = Clock::now();
  EXPECT_TRUE(run(client, {"PING"}).is_unavailable());
  auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 1500ms);
  server.resume();
  EXPECT_TRUE(recovers(client, 5s));
}

TEST(RedisSubscriber, DeliversMessagesAndResubscribesAfterRestart) {
  test::RedisServer server;
  RedisClient client(options_for(server));
  RedisSubscriber subscriber(options_for(server));
  auto messages = std::make_shared<test::Mailbox<std::string>>();
  auto readiness = std::make_shared<test::Mailbox<bool>>();
  subscriber.on_ready([readiness] { readiness->push(true); });
  subscriber.subscribe("news", [messages](const std::string& channel, const std::string& m) {
    messages->push(channel + ":" + m);
  });
  ASSERT_TRUE(readiness->pop());
  EXPECT_TRUE(subscriber.ready());

  RedisReply receivers = run(client, {"PUBLISH", "news", "hello"});
  EXPECT_EQ(receivers.integer, 1);
  EXPECT_EQ(messages->pop(1s), "news:hello");
  run(client, {"PUBLISH", "other", "ignored"});

  // A second handler on a second channel.
  subscriber.subscribe("more", [messages](const std::string& channel, const std::string& m) {
    messages->push(channel + ":" + m);
  });
  ASSERT_TRUE(readiness->pop());
  run(client, {"PUBLISH", "more", "x"});
  EXPECT_EQ(messages->pop(1s), "more:x");

  server.kill();
  server.restart();
  ASSERT_TRUE(readiness->pop(5s)) << "no resubscription after restart";
  ASSERT_TRUE(recovers(client, 5s));
  EXPECT_EQ(run(client, {"PUBLISH", "news", "after"}).integer, 1);
  EXPECT_EQ(messages->pop(1s), "news:after");
  EXPECT_EQ(messages->size(), 0u);
}

TEST(RedisSubscriber, ConfirmsQuietSubscriptionsAndUnsubscribes) {
  test::RedisServer server;
  RedisClient client(options_for(server));
  RedisSubscriber subscriber(options_for(server));
  auto messages = std::make_shared<test::Mailbox<std::string>>();
  auto readiness = std::make_shared<test::Mailbox<bool>>();
  auto confirmed = std::make_shared<test::Mailbox<std::string>>();
  subscriber.on_ready([readiness] { readiness->push(true); });
  auto record = [messages](const std::string& channel, const std::string& m) { messages->push(channel + ":" + m); };
  subscriber.subscribe("base", record);
  ASSERT_TRUE(readiness->pop());

  // A quiet subscription: its callback says when a PUBLISH is sure to reach it.
  subscriber.subscribe("game:1", record, [confirmed] { confirmed->push("game:1"); });
  ASSERT_EQ(confirmed->pop(2s), "game:1");
  EXPECT_EQ(run(client, {"PUBLISH", "game:1", "m1"}).integer, 1);
  EXPECT_EQ(messages->pop(1s), "game:1:m1");
  // Already confirmed: a second subscriber of the channel is told at once, on this thread.
  bool at_once = false;
  subscriber.subscribe("game:1", record, [&at_once] { at_once = true; });
  EXPECT_TRUE(at_once);

  // Dropped: Redis stops delivering it (every handler of the channel goes).
  subscriber.unsubscribe("game:1");
  ASSERT_TRUE(test::eventually([&] { return run(client, {"PUBLISH", "game:1", "lost"}).integer == 0; }, 2s));
  // Dropped and taken again at once: confirmed by the reply to the new SUBSCRIBE, then delivered.
  subscriber.unsubscribe("base");
  subscriber.subscribe("base", record, [confirmed] { confirmed->push("base"); });
  ASSERT_EQ(confirmed->pop(2s), "base");
  EXPECT_EQ(run(client, {"PUBLISH", "base", "again"}).integer, 1);
  EXPECT_EQ(messages->pop(1s), "base:again");
  EXPECT_EQ(messages->size(), 0u);

  // Quiet subscriptions did not trigger on_ready; a plain new channel does, once.
  EXPECT_EQ(readiness->size(), 0u);
  subscriber.subscribe("plain", record);
  EXPECT_TRUE(readiness->pop(2s));
  EXPECT_EQ(run(client, {"PUBLISH", "plain", "p"}).integer, 1);
  EXPECT_EQ(messages->pop(1s), "plain:p");
  EXPECT_EQ(readiness->size(), 0u);
}

TEST(RedisSubscriber, DetectsAHungRedisAndRecovers) {
  test::RedisServer server;
  RedisOptions o = options_for(server);
  o.command_timeout_ms = 200;
  RedisSubscriber subscriber(o);
  auto readiness = std::make_shared<test::Mailbox<bool>>();
  subscriber.on_ready([readiness] { readiness->push(true); });
  subscriber.subscribe("c", [](const std::string&, const std::string&) {});
  ASSERT_TRUE(readiness->pop());
  server.pause();
  // Found out within one ping interval (1 s) plus the PING's timeout.
  EXPECT_TRUE(test::eventually([&] { return !subscriber.ready(); }, 3s));
  server.resume();
  EXPECT_TRUE(readiness->pop(5s));
}

}  // namespace
}  // namespace chuhe::persistence
