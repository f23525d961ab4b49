// Spectators reached through a game channel (cluster mode): the room publishes each spectator broadcast
// once per channel instead of once per such spectator, and tells them when they start and stop watching.
#include <gtest/gtest.h>

#include <mutex>

#include "tests/unit/rooms/rooms_test_support.h"

namespace chuhe::rooms::test {
namespace {

class RecordingChannel : public WatcherChannel {
 public:
  struct Published {
    std::string game;
    json message;
    const Client* except;
  };
  void publish(const std::string& game, const Message& message, const Client* except) override {
    std::lock_guard lock(mutex_);
    published_.push_back({game, json::parse(*message), except});
  }
  std::vector<Published> published() const {
    std::lock_guard lock(mutex_);
    return published_;
  }
  std::vector<Published> of_type(const std::string& t) const {
    std::vector<Published> out;
    for (auto& p : published())
      if (p.message.value("t", "") == t) out.push_back(p);
    return out;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Published> published_;
};

// A spectator on another node: everything it gets directly is recorded, as are the room's watching calls
// (each with how many messages it had received by then).
class ChannelClient : public RecordingClient {
 public:
  ChannelClient(User user, std::shared_ptr<RecordingChannel> channel)
      : RecordingClient(std::move(user)), channel_(std::move(channel)) {}
  std::shared_ptr<WatcherChannel> watcher_channel() const override { return channel_; }
  void watching(const std::string& game, bool on) override {
    std::lock_guard lock(mutex_);
    calls_.push_back({game, on, received().size()});
  }
  struct Call {
    std::string game;
    bool on;
    std::size_t received_before;
  };
  std::vector<Call> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  std::shared_ptr<RecordingChannel> channel_;
  mutable std::mutex mutex_;
  std::vector<Call> calls_;
};

TEST_F(HubTest, ChannelSpectatorsCostOnePublishPerBroadcast) {
  make_hub();
  auto p = pair_players();
  auto channel = std::make_shared<RecordingChannel>();
  auto remote1 = std::make_shared<ChannelClient>(make_user("rita"), channel);
  auto remote2 = std::make_shared<ChannelClient>(make_user("remy"), channel);
  hub->register_remote(remote1);
  hub->register_remote(remote2);
  auto local = connect("sam");
  for (auto c : {std::static_pointer_cast<RecordingClient>(remote1), std::static_pointer_cast<RecordingClient>(remote2),
                 local})
    send(c, {{"t", "watch"}, {"game", p.game}, {"id", 5}});

  // Each gets its own snapshot directly, after the room said it watches (so its node fans out to it).
  for (auto& remote : {remote1, remote2}) {
    ASSERT_EQ(remote->count("state"), 1u);
    EXPECT_EQ(remote->last("state")["id"], 5);
    auto calls = remote->calls();
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].game, p.game);
    EXPECT_TRUE(calls[0].on);
    EXPECT_EQ(calls[0].received_before, 0u);
  }

  move(p.red, p.game, "h2e2", 0);
  move(p.black, p.game, "h9g7", 1);
  // The moves: each published once for both remote spectators, never sent to them one by one; the
  // local spectator gets them directly as before.
  auto moves = channel->of_type("move");
  ASSERT_EQ(moves.size(), 2u);
  EXPECT_EQ(moves[0].game, p.game);
  EXPECT_EQ(moves[0].message["move"], "h2e2");
  EXPECT_EQ(moves[1].message["move"], "h9g7");
  EXPECT_EQ(moves[0].except, nullptr);
  EXPECT_EQ(local->count("move"), 2u);
  EXPECT_EQ(remote1->count("move"), 0u);
  EXPECT_EQ(remote2->count("move"), 0u);

  // A remote spectator's chat: its answer (with its id) comes to it directly, the channel's copy skips it.
  send(remote1, {{"t", "chat"}, {"game", p.game}, {"text", "hi"}, {"id", 9}});
  ASSERT_EQ(remote1->count("chat"), 1u);
  EXPECT_EQ(remote1->last("chat")["id"], 9);
  auto chats = channel->of_type("chat");
  ASSERT_EQ(chats.size(), 1u);
  EXPECT_EQ(chats[0].except, remote1.get());
  EXPECT_FALSE(chats[0].message.contains("id"));
  EXPECT_EQ(local->last("chat")["text"], "hi");
  EXPECT_EQ(p.red->last("chat")["text"], "hi");

  // Unwatching is told; once no channel spectator is left, nothing more is published.
  send(remote1, {{"t", "unwatch"}, {"game", p.game}});
  send(remote2, {{"t", "unwatch"}, {"game", p.game}});
  for (auto& remote : {remote1, remote2}) {
    auto calls = remote->calls();
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_FALSE(calls[1].on);
  }
  const auto before = channel->published().size();
  move(p.red, p.game, "b0c2", 2);
  EXPECT_EQ(channel->published().size(), before);
  EXPECT_EQ(local->count("move"), 3u);
}

}  // namespace
}  // namespace chuhe::rooms::test
