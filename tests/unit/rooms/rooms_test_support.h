#pragma once
// Test doubles for the rooms: a Client that records what it is sent, journals that complete at once or
// when the test says so, an AI that plays the first legal move, and an io_context driven by the test.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "rooms/ai_player.h"
#include "rooms/client.h"
#include "rooms/hub.h"
#include "rooms/journal.h"
#include "rooms/protocol_in.h"
#include "rules/game.h"
#include "rules/notation.h"

namespace chuhe::rooms::test {

using json = nlohmann::json;

class RecordingClient : public Client {
 public:
  struct Received {
    Message message;
    Audience audience;
  };

  explicit RecordingClient(User user) : user_(std::move(user)), session_("sess-" + user_.id) {}

  void send(Message message, Audience audience) override {
    {
      std::lock_guard lock(mutex_);
      received_.push_back({std::move(message), audience});
    }
    arrived_.notify_all();
  }
  // Waits (without polling) until `n` messages of type t have arrived, from whichever thread sends them.
  bool wait_for(const std::string& t, std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, timeout, [&] {
      std::size_t count = 0;
      for (const auto& r : received_) count += json::parse(*r.message).value("t", "") == t;
      return count >= n;
    });
  }
  void close(int code, std::string_view) override {
    std::lock_guard lock(mutex_);
    close_code_ = code;
  }
  const User& user() const override { return user_; }
  const std::string& session_id() const override { return session_; }

  std::vector<Received> received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::vector<json> all() const {
    std::vector<json> out;
    for (const auto& r : received()) out.push_back(json::parse(*r.message));
    return out;
  }
  std::vector<json> of_type(const std::string& t) const {
    std::vector<json> out;
    for (auto& j : all())
      if (j.value("t", "") == t) out.push_back(std::move(j));
    return out;
  }
  std::size_t count(const std::string& t) const { return of_type(t).size(); }
  // The last message of type t; null json if none.
  json last(const std::string& t) const {
    auto v = of_type(t);
    return v.empty() ? json() : v.back();
  }
  void clear() {
    std::lock_guard lock(mutex_);
    received_.clear();
  }

 private:
  User user_;
  std::string session_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Received> received_;
  int close_code_ = 0;
};

// A journal whose writes complete only when the test releases them: the game's "pending" state.
class ManualJournal : public Journal {
 public:
  void start(const GameSetup&, Done done) override { done(true); }
  void append(const std::string&, int, const std::string& iccs, long long, Done done) override {
    std::lock_guard lock(mutex_);
    held_.push_back({iccs, std::move(done)});
  }
  void finish(const std::string&, std::string_view, std::string_view, Done done) override { done(true); }

  std::size_t held() const {
    std::lock_guard lock(mutex_);
    return held_.size();
  }
  void release_all(bool durable = true) {
    std::vector<std::pair<std::string, Done>> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (auto& [iccs, done] : held) done(durable);
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, Done>> held_;
};

// Plays the first legal move (from another thread when `threaded`, as the real pool would), and
// checks that every position it is asked about is one the rules accept.
class FirstLegalAi : public AiPlayer {
 public:
  void request_move(const std::string&, const std::string& initial_fen, std::vector<std::string> moves, int,
                    std::chrono::milliseconds budget, Done done) override {
    rules::Game game;
    EXPECT_FALSE(game.reset(initial_fen).has_value());
    for (const auto& m : moves) EXPECT_EQ(game.play_iccs(m), rules::PlayResult::Ok) << m;
    EXPECT_GT(budget.count(), 0);
    rules::MoveList list;
    game.legal_moves(list);
    std::string answer = list.empty() ? std::string() : rules::to_iccs(list[0]);
    {
      std::lock_guard lock(mutex_);
      ++requests_;
    }
    if (answer_override_) answer = answer_override_(answer);
    if (!threaded) return done(std::move(answer));
    std::lock_guard lock(mutex_);
    threads_.emplace_back([done = std::move(done), answer = std::move(answer)] { done(answer); });
  }
  ~FirstLegalAi() override { join(); }
  // Waits for every answer thread (before the io_context they post to goes away).
  void join() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }
  void cancel(const std::string&) override {
    std::lock_guard lock(mutex_);
    ++cancels_;
  }
  int requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int cancels() const {
    std::lock_guard lock(mutex_);
    return cancels_;
  }
  std::function<std::string(std::string)> answer_override_;
  bool threaded = false;  // answer from a thread of its own, as the worker pool does

 private:
  std::vector<std::thread> threads_;
  mutable std::mutex mutex_;
  int requests_ = 0;
  int cancels_ = 0;
};

inline User make_user(const std::string& id, int rating = 1500) {
  return User{id, "name-" + id, true, rating};
}

// A Hub on an io_context that the test thread runs.
class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config.reconnect_grace = std::chrono::milliseconds(60);
    config.finished_retention = std::chrono::milliseconds(300);
    config.lobby_tick = std::chrono::milliseconds(20);
    config.spectator_update = std::chrono::milliseconds(30);
  }
  void TearDown() override {
    if (ai) ai->join();
    if (hub) hub->stop();
    io.restart();
    io.run_for(std::chrono::milliseconds(20));
  }
  void make_hub(std::shared_ptr<Journal> j = nullptr) {
    hub = std::make_shared<Hub>(io.get_executor(), config, j ? j : journal, ai);
    hub->start();
  }
  std::shared_ptr<RecordingClient> connect(const std::string& id, int rating = 1500) {
    auto client = std::make_shared<RecordingClient>(make_user(id, rating));
    hub->on_connect(client);
    return client;
  }
  // Sends a client message (JSON text) as net would after parsing it.
  void send(const std::shared_ptr<RecordingClient>& client, const json& message) {
    auto parsed = parse_client_message(message.dump());
    ASSERT_TRUE(std::holds_alternative<ClientRequest>(parsed)) << std::get<ParseError>(parsed).message;
    hub->on_message(client, std::get<ClientRequest>(std::move(parsed)));
    settle();
  }
  // Runs every handler that is ready (posts chain), without waiting for timers.
  void settle() {
    io.restart();
    while (io.poll() > 0) {
    }
  }
  // Runs the io_context until pred holds or `limit` passes.
  bool run_until(const std::function<bool()>& pred, std::chrono::milliseconds limit = std::chrono::seconds(3)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!pred() && std::chrono::steady_clock::now() < deadline) {
      io.restart();
      io.run_for(std::chrono::milliseconds(5));
    }
    return pred();
  }

  // Two users seek `tc` and are paired; red/black are set from their game_start.
  struct Pair {
    std::string game;
    std::shared_ptr<RecordingClient> red, black;
  };
  Pair pair_players(const std::string& tc = "5+3") {
    auto a = connect("alice");
    auto b = connect("bob");
    send(a, {{"t", "seek"}, {"tc", tc}});
    send(b, {{"t", "seek"}, {"tc", tc}});
    EXPECT_EQ(a->count("game_start"), 1u);
    EXPECT_EQ(b->count("game_start"), 1u);
    json start = a->last("game_start");
    Pair p;
    p.game = start.value("game", "");
    bool a_red = start.value("color", "") == "red";
    p.red = a_red ? a : b;
    p.black = a_red ? b : a;
    return p;
  }
  void move(const std::shared_ptr<RecordingClient>& c, const std::string& game, const std::string& m, int ply,
            json id = nullptr) {
    json msg = {{"t", "move"}, {"game", game}, {"move", m}, {"ply", ply}};
    if (!id.is_null()) msg["id"] = id;
    send(c, msg);
  }
  static std::string error_code(const json& j) { return j.is_null() ? std::string() : j.value("code", ""); }

  boost::asio::io_context io;
  std::shared_ptr<MemoryJournal> journal = std::make_shared<MemoryJournal>();
  std::shared_ptr<FirstLegalAi> ai = std::make_shared<FirstLegalAi>();
  RoomsConfig config;
  std::shared_ptr<Hub> hub;
};

// A mate in three for Red from the start position: the cannon takes the elephant on c9 behind the advisor.
inline const std::vector<std::string> kMateLine = {"b2b4", "a9a8", "b4c4", "a8e8", "c4c9"};

}  // namespace chuhe::rooms::test
