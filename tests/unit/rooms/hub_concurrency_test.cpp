// Many games at once, with the io_context on several threads and requests arriving from several more
// (as from many connections' strands): each game stays consistent on its strand. Meant for TSan too.
#include <thread>

#include <boost/asio/executor_work_guard.hpp>

#include "rooms_test_support.h"

namespace chuhe::rooms::test {
namespace {

TEST(HubConcurrency, ManyGamesOnManyThreadsEachSeeEveryMoveInOrder) {
  constexpr int kGames = 12;
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::vector<std::thread> io_threads;
  for (int i = 0; i < 2; ++i) io_threads.emplace_back([&] { io.run(); });
  auto journal = std::make_shared<MemoryJournal>();
  auto hub = std::make_shared<Hub>(io.get_executor(), RoomsConfig{}, journal);
  hub->start();

  auto request = [&](const std::shared_ptr<RecordingClient>& c, const json& msg) {
    auto parsed = parse_client_message(msg.dump());
    hub->on_message(c, std::get<ClientRequest>(std::move(parsed)));
  };
  std::vector<std::thread> drivers;
  std::vector<std::shared_ptr<RecordingClient>> spectators(kGames);
  for (int g = 0; g < kGames; ++g) {
    drivers.emplace_back([&, g] {
      // Game g's players seek a time control of their own, so the pairs are known.
      const std::string tc = std::to_string(g + 1) + "+0";
      auto a = std::make_shared<RecordingClient>(make_user("a" + std::to_string(g)));
      auto b = std::make_shared<RecordingClient>(make_user("b" + std::to_string(g)));
      auto s = std::make_shared<RecordingClient>(make_user("s" + std::to_string(g)));
      spectators[g] = s;
      for (const auto& c : {a, b, s}) hub->on_connect(c);
      request(a, {{"t", "seek"}, {"tc", tc}});
      request(b, {{"t", "seek"}, {"tc", tc}});
      ASSERT_TRUE(a->wait_for("game_start", 1));
      const json start = a->last("game_start");
      const std::string game = start["game"];
      auto red = start["color"] == "red" ? a : b;
      auto black = red == a ? b : a;
      request(s, {{"t", "watch"}, {"game", game}});
      ASSERT_TRUE(s->wait_for("state", 1));
      for (std::size_t ply = 0; ply < kMateLine.size(); ++ply) {
        request(ply % 2 ? black : red,
                {{"t", "move"}, {"game", game}, {"move", kMateLine[ply]}, {"ply", ply}, {"id", ply}});
        ASSERT_TRUE((ply % 2 ? red : black)->wait_for("move", ply + 1));
      }
      ASSERT_TRUE(s->wait_for("game_end", 1));
      hub->on_disconnect(s);
    });
  }
  for (auto& t : drivers) t.join();
  for (const auto& s : spectators) {
    ASSERT_TRUE(s);
    auto moves = s->of_type("move");
    ASSERT_EQ(moves.size(), kMateLine.size());
    for (std::size_t ply = 0; ply < moves.size(); ++ply) EXPECT_EQ(moves[ply]["move"], kMateLine[ply]);
    EXPECT_EQ(s->last("game_end")["reason"], "checkmate");
  }
  EXPECT_EQ(journal->entries().size(), static_cast<std::size_t>(kGames) * (kMateLine.size() + 2));
  EXPECT_EQ(json::parse(hub->live_games_json())["games"].size(), 0u);
  hub->stop();
  guard.reset();
  io.stop();
  for (auto& t : io_threads) t.join();
}

}  // namespace
}  // namespace chuhe::rooms::test
