// GameJournal on a real SQLite file in a temp dir: records round-trip, refusals stay per record, every
// callback comes exactly once, and group commit really shares COMMITs between records.
#include "persistence/game_journal.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.h"

namespace chuhe::persistence {
namespace {

constexpr const char* kFen = "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w";

JournalGame game(const std::string& id) {
  return JournalGame{id, R"({"id":"u1","name":"a"})", R"({"name":"AI","ai":true,"level":3})", "5+3", true, kFen, 1000};
}

class GameJournalTest : public ::testing::Test {
 protected:
  std::unique_ptr<GameJournal> open(GameJournalOptions options = {}) {
    options.path = dir_.path() / "journal.sqlite3";
    std::string error;
    auto journal = GameJournal::open(options, error);
    EXPECT_NE(journal, nullptr) << error;
    return journal;
  }

  // Submits through `submit` and waits for the answer.
  template <typename F>
  static bool sync(F submit) {
    std::promise<bool> done;
    auto result = done.get_future();
    submit([&done](bool durable) { done.set_value(durable); });
    return result.get();
  }

  test::TempDir dir_{"chuhe-journal"};
};

TEST_F(GameJournalTest, RoundTrip) {
  auto j = open();
  ASSERT_NE(j, nullptr);
  EXPECT_TRUE(sync([&](auto d) { j->start_game(game("g1"), d); }));
  EXPECT_TRUE(sync([&](auto d) { j->start_game(game("g2"), d); }));
  EXPECT_TRUE(sync([&](auto d) { j->append({"g1", 0, "h2e2", 299000, 1100}, d); }));
  EXPECT_TRUE(sync([&](auto d) { j->append({"g1", 1, "h9g7", 298000, 1200}, d); }));
  EXPECT_TRUE(sync([&](auto d) { j->append({"g2", 0, "b2e2", 300000, 1300}, d); }));
  EXPECT_TRUE(sync([&](auto d) { j->finish("g2", "0-1", "resign", 1400, d); }));

  auto playing = j->load_unfinished();
  ASSERT_EQ(playing.size(), 1u);
  const JournaledGame& g1 = playing[0];
  EXPECT_EQ(g1.game.id, "g1");
  EXPECT_EQ(g1.game.red, game("g1").red);
  EXPECT_EQ(g1.game.black, game("g1").black);
  EXPECT_EQ(g1.game.tc, "5+3");
  EXPECT_TRUE(g1.game.rated);
  EXPECT_EQ(g1.game.initial_fen, kFen);
  EXPECT_EQ(g1.game.started_at_ms, 1000);
  EXPECT_EQ(g1.status, "playing");
  ASSERT_EQ(g1.moves.size(), 2u);
  EXPECT_EQ(g1.moves[0].ply, 0);
  EXPECT_EQ(g1.moves[0].iccs, "h2e2");
  EXPECT_EQ(g1.moves[0].clock_ms, 299000);
  EXPECT_EQ(g1.moves[0].at_ms, 1100);
  EXPECT_EQ(g1.moves[1].iccs, "h9g7");

  auto g2 = j->load_game("g2");
  ASSERT_TRUE(g2.has_value());
  EXPECT_EQ(g2->status, "ended");
  EXPECT_EQ(g2->result, "0-1");
  EXPECT_EQ(g2->reason, "resign");
  EXPECT_EQ(g2->ended_at_ms, 1400);
  ASSERT_EQ(g2->moves.size(), 1u);
  EXPECT_FALSE(j->load_game("nope").has_value());

  auto s = j->stats();
  EXPECT_EQ(s.records, 6u);
  EXPECT_EQ(s.durable, 6u);
  EXPECT_GE(s.commits, 1u);
  EXPECT_EQ(s.queue_length, 0u);
}

TEST_F(GameJournalTest, FillsInTimesWhenZero) {
  auto j = open();
  ASSERT_NE(j, nullptr);
  JournalGame g = game("g");
  g.started_at_ms = 0;
  EXPECT_TRUE(sync([&](auto d) { j->start_game(g, d); }));
  EXPECT_TRUE(sync([&](auto d) { j->append({"g", 0, "h2e2", 1, 0}, d); }));
  auto loaded = j->load_game("g");
  ASSERT_TRUE(loaded.has_value());
  EXPECT_GT(loaded->game.started_at_ms, 1'600'000'000'000);
  EXPECT_GT(loaded->moves.at(0).at_ms, 1'600'000'000'000);
}

// Bad records are refused one by one while the good ones around them, in the same batch, are durable.
TEST_F(GameJournalTest, RefusalsAreForThatRecordOnly) {
  auto j = open();
  ASSERT_NE(j, nullptr);
  std::mutex m;
  std::vector<std::pair<std::string, bool>> results;
  auto note = [&](std::string what) {
    return [&, what](bool durable) {
      std::lock_guard lock(m);
      results.emplace_back(what, durable);
    };
  };
  // All submitted without waiting, so most land in one or two batches.
  j->start_game(game("g"), note("start"));
  j->start_game(game("g"), note("start again"));
  j->append({"g", 0, "h2e2", 1, 1}, note("ply 0"));
  j->append({"g", 0, "h2e3", 1, 1}, note("ply 0 again"));
  j->append({"g", 2, "h9g7", 1, 1}, note("ply 2 (gap)"));
  j->append({"g", 1, "h9g7", 1, 1}, note("ply 1"));
  j->append({"x", 0, "h2e2", 1, 1}, note("unknown game"));
  j->append({"g", -1, "h2e2", 1, 1}, note("negative ply"));
  j->finish("g", "1-0", "checkmate", 5, note("finish"));
  j->append({"g", 2, "a0a1", 1, 1}, note("after the end"));
  j->finish("g", "0-1", "resign", 6, note("finish again"));
  j->finish("x", "0-1", "resign", 6, note("finish unknown"));
  j.reset();  // the destructor answers everything queued

  std::vector<std::pair<std::string, bool>> expected = {
      {"start", true},         {"start again", false},  {"ply 0", true},          {"ply 0 again", false},
      {"ply 2 (gap)", false},  {"ply 1", true},         {"unknown game", false},  {"negative ply", false},
      {"finish", true},        {"after the end", false}, {"finish again", false}, {"finish unknown", false}};
  EXPECT_EQ(results, expected);  // answered in submission order, once each

  j = open();
  auto g = j->load_game("g");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->result, "1-0");
  ASSERT_EQ(g->moves.size(), 2u);
  EXPECT_EQ(g->moves[0].iccs, "h2e2");
  EXPECT_EQ(g->moves[1].iccs, "h9g7");
}

TEST_F(GameJournalTest, RefusesWhenTheQueueIsFull) {
  GameJournalOptions options;
  options.queue_limit = 4;
  auto j = open(options);
  ASSERT_NE(j, nullptr);
  ASSERT_TRUE(sync([&](auto d) { j->start_game(game("g"), d); }));
  std::atomic<int> durable{0}, refused{0}, calls{0};
  for (int ply = 0; ply < 2000; ++ply) {
    j->append({"g", ply, "h2e2", 1, 1}, [&](bool ok) {
      ++calls;
      ++(ok ? durable : refused);
    });
  }
  j.reset();
  EXPECT_EQ(calls.load(), 2000);
  EXPECT_GT(refused.load(), 0);  // 2000 submissions cannot all fit in 4 places behind one fsync
  EXPECT_GT(durable.load(), 0);
}

// Many threads, many games, each game's moves submitted one at a time after the previous is durable (as
// a game does): every callback durable exactly once, every row present in order, and fewer COMMITs than
// records because concurrent records share them.
TEST_F(GameJournalTest, ManyThreadsManyGamesGroupCommit) {
  auto j = open();
  ASSERT_NE(j, nullptr);
  constexpr int kThreads = 8, kGamesPerThread = 25, kMoves = 12;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  std::vector<std::vector<int>> callbacks(kThreads * kGamesPerThread, std::vector<int>(kMoves, 0));
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mutex m;
      std::condition_variable cv;
      int done = 0;
      auto id = [&](int g) { return "t" + std::to_string(t) + "g" + std::to_string(g); };
      for (int g = 0; g < kGamesPerThread; ++g) {
        j->start_game(game(id(g)), [&](bool ok) {
          if (!ok) ++failures;
          std::lock_guard lock(m);
          ++done;
          cv.notify_one();
        });
      }
      {
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return done == kGamesPerThread; });
      }
      for (int ply = 0; ply < kMoves; ++ply) {
        done = 0;
        for (int g = 0; g < kGamesPerThread; ++g) {
          int index = t * kGamesPerThread + g;
          j->append({id(g), ply, "a" + std::to_string(ply), 1000 - ply, 1}, [&, index, ply](bool ok) {
            if (!ok) ++failures;
            ++callbacks[static_cast<std::size_t>(index)][static_cast<std::size_t>(ply)];
            std::lock_guard lock(m);
            ++done;
            cv.notify_one();
          });
        }
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return done == kGamesPerThread; });
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  for (const auto& game_calls : callbacks) {
    for (int c : game_calls) EXPECT_EQ(c, 1);
  }
  auto s = j->stats();
  const std::uint64_t records = kThreads * kGamesPerThread * (kMoves + 1);
  EXPECT_EQ(s.records, records);
  EXPECT_EQ(s.durable, records);
  EXPECT_LT(s.commits, records / 4) << "group commit should share COMMITs between concurrent records";
  EXPECT_GT(s.max_batch_seen, 1u);

  auto games = j->load_unfinished();
  ASSERT_EQ(games.size(), static_cast<std::size_t>(kThreads * kGamesPerThread));
  for (const auto& g : games) {
    ASSERT_EQ(g.moves.size(), static_cast<std::size_t>(kMoves)) << g.game.id;
    for (int ply = 0; ply < kMoves; ++ply) {
      EXPECT_EQ(g.moves[static_cast<std::size_t>(ply)].ply, ply);
      EXPECT_EQ(g.moves[static_cast<std::size_t>(ply)].iccs, "a" + std::to_string(ply));
    }
  }
}

TEST_F(GameJournalTest, WithoutGroupCommitEachRecordCommitsAlone) {
  GameJournalOptions options;
  options.group_commit = false;
  auto j = open(options);
  ASSERT_NE(j, nullptr);
  std::atomic<int> durable{0};
  j->start_game(game("g"), [&](bool ok) { durable += ok; });
  for (int ply = 0; ply < 20; ++ply) j->append({"g", ply, "h2e2", 1, 1}, [&](bool ok) { durable += ok; });
  j->append({"g", 5, "h2e2", 1, 1}, [&](bool ok) { durable += ok; });  // duplicate: refused, still a commit
  j.reset();
  EXPECT_EQ(durable.load(), 21);
  j = open(options);
  EXPECT_EQ(j->load_game("g")->moves.size(), 20u);
}

TEST_F(GameJournalTest, ReopenKeepsEverything) {
  {
    auto j = open();
    ASSERT_NE(j, nullptr);
    for (int g = 0; g < 3; ++g) {
      std::string id = "g" + std::to_string(g);
      j->start_game(game(id), nullptr);  // no callback wanted: allowed
      for (int ply = 0; ply < 5; ++ply) j->append({id, ply, "b0c2", ply, ply}, nullptr);
    }
    j->finish("g1", "1/2-1/2", "agreement", 9, nullptr);
  }  // destroyed: the queue is drained first
  auto j = open();
  ASSERT_NE(j, nullptr);
  auto playing = j->load_unfinished();
  ASSERT_EQ(playing.size(), 2u);
  EXPECT_EQ(playing[0].game.id, "g0");
  EXPECT_EQ(playing[1].game.id, "g2");
  for (const auto& g : playing) EXPECT_EQ(g.moves.size(), 5u);
  auto g1 = j->load_game("g1");
  ASSERT_TRUE(g1.has_value());
  EXPECT_EQ(g1->status, "ended");
  EXPECT_EQ(g1->moves.size(), 5u);
  // Appending goes on from where the journal stands.
  EXPECT_TRUE(sync([&](auto d) { j->append({"g0", 5, "c2e3", 1, 1}, d); }));
  EXPECT_FALSE(sync([&](auto d) { j->append({"g0", 5, "c2e3", 1, 1}, d); }));
}

TEST_F(GameJournalTest, RejectsBadOptions) {
  GameJournalOptions options;
  options.path = dir_.path() / "j.sqlite3";
  options.synchronous = "OFF";  // would give up durability
  std::string error;
  EXPECT_EQ(GameJournal::open(options, error), nullptr);
  EXPECT_FALSE(error.empty());
  options.synchronous = "FULL";
  options.path = dir_.path() / "no-such-dir" / "j.sqlite3";
  EXPECT_EQ(GameJournal::open(options, error), nullptr);
}

TEST_F(GameJournalTest, SchemaIsVersioned) {
  ASSERT_EQ(journal_migrations().size(), 2u);
  EXPECT_EQ(journal_migrations()[0].version, 1);
  EXPECT_EQ(journal_migrations()[1].version, 2);
}

}  // namespace
}  // namespace chuhe::persistence
