// chuhe-engine at level 9 (MCTS with the shipped network) as a child process over UCI: the network
// is loaded at the first level-9 `go` (said on an info string), `go movetime` and a clock answer
// with a legal move within a generous bound, `stop` after `go infinite` answers promptly, and
// weights that cannot be loaded fall back to alpha-beta level 8 with an info string.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "rules/movegen.h"
#include "rules/notation.h"
#include "rules/position.h"
#include "tests/integration/ai/engine_client.h"

namespace chuhe::ai {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::legal_in;
using test::move_of;

// A middlegame position (both sides developed, cannons and chariots out), Black to move.
const std::string kMiddlegameFen = "r1bakab1r/9/1cn3nc1/p1p1p1p1p/9/2P6/P3P1P1P/1C2C1N2/9/RNBAKAB1R b - - 0 1";

// The engine, with level 9 switched on.
class Engine : public test::EngineClient {
 public:
  // uci, Level 9, isready.
  void start_level9(const std::string& extra_option = "") {
    ASSERT_TRUE(running());
    send("uci");
    std::vector<std::string> options;
    ASSERT_TRUE(expect("uciok", 10s, &options));
    bool level_max9 = false;
    for (const std::string& l : options) level_max9 |= l == "option name Level type spin default 8 min 1 max 9";
    EXPECT_TRUE(level_max9);
    if (!extra_option.empty()) send(extra_option);
    send("setoption name Level value 9");
    send("isready");
    ASSERT_TRUE(expect("readyok"));
  }
};

bool any_contains(const std::vector<std::string>& lines, const std::string& text) {
  for (const std::string& l : lines)
    if (l.find(text) != std::string::npos) return true;
  return false;
}

long long ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

TEST(EngineMcts, Level9MovetimeGivesLegalMoveFromTheNetwork) {
  Engine e;
  e.start_level9();
  const std::string start(rules::Position::kStartFen);
  for (const std::string& fen : {start, kMiddlegameFen}) {
    e.send("position fen " + fen);
    const auto t0 = Clock::now();
    e.send("go movetime 200");
    std::vector<std::string> info;
    const auto best = e.expect("bestmove", 20s, &info);
    const long long ms = ms_since(t0);
    ASSERT_TRUE(best) << fen;
    EXPECT_TRUE(legal_in(fen, move_of(*best))) << fen << ": " << *best;
    // 200 ms less the 10 ms move overhead; the first `go` also loads the network (a few ms). A
    // loaded machine can delay the answer, hence the generous bound.
    EXPECT_LT(ms, 3000) << fen;
    // MCTS, not alpha-beta: its one summary line is "info depth 1 ... nodes <visits> ...".
    ASSERT_FALSE(info.empty());
    EXPECT_EQ(info.back().rfind("info depth 1 ", 0), 0u) << info.back();
    EXPECT_FALSE(any_contains(info, "info depth 2 ")) << "alpha-beta answered at level 9";
    if (fen == start) {
      EXPECT_TRUE(any_contains(info, "info string level 9 (MCTS): loaded ")) << "no load line";
    } else {
      EXPECT_FALSE(any_contains(info, "loaded")) << "the network is loaded once";
    }
  }
}

TEST(EngineMcts, Level9HonoursTheClock) {
  Engine e;
  e.start_level9();
  // 3 s each, no increment: clock/30 = 100 ms, less the overhead.
  e.send("position startpos moves h2e2 h9g7");
  const auto t0 = Clock::now();
  e.send("go wtime 3000 btime 3000 winc 0 binc 0");
  const auto best = e.expect("bestmove", 20s);
  ASSERT_TRUE(best);
  EXPECT_LT(ms_since(t0), 3000);
  e.send("d");
  const auto fen = e.expect("fen ");
  ASSERT_TRUE(fen);
  EXPECT_TRUE(legal_in(fen->substr(4), move_of(*best))) << *fen << ": " << *best;
}

TEST(EngineMcts, StopAfterGoInfiniteAnswersPromptly) {
  Engine e;
  e.start_level9();
  e.send("position startpos");
  // The search thread ends at its next simulation; one network batch is a few ms. On a machine
  // loaded by other jobs a round can wait for the CPU: none may take 1 s, and two of three 200 ms.
  int fast = 0;
  for (int round = 0; round < 3; ++round) {
    e.send("go infinite");
    std::this_thread::sleep_for(300ms);
    std::vector<std::string> early;
    while (auto l = e.read_line(1ms)) early.push_back(*l);
    EXPECT_FALSE(any_contains(early, "bestmove")) << "go infinite ended without stop";
    const auto t0 = Clock::now();
    e.send("stop");
    const auto best = e.expect("bestmove", 5s);
    const long long ms = ms_since(t0);
    ASSERT_TRUE(best) << "round " << round;
    fast += ms < 200;
    EXPECT_LT(ms, 1000) << "round " << round;
    EXPECT_TRUE(legal_in(std::string(rules::Position::kStartFen), move_of(*best))) << *best;
  }
  EXPECT_GE(fast, 2);
}

TEST(EngineMcts, MissingWeightsFallBackToLevel8WithAnInfoString) {
  Engine e;
  e.start_level9("setoption name NN Weights value /nonexistent/chuhe-nn.bin");
  e.send("position fen " + kMiddlegameFen);
  e.send("go movetime 100");
  std::vector<std::string> info;
  const auto best = e.expect("bestmove", 20s, &info);
  ASSERT_TRUE(best);
  EXPECT_TRUE(legal_in(kMiddlegameFen, move_of(*best))) << *best;
  EXPECT_TRUE(any_contains(info, "info string level 9 (MCTS) unavailable, playing alpha-beta level 8"));
  EXPECT_TRUE(any_contains(info, "info depth 2 ")) << "alpha-beta did not play";
}

}  // namespace
}  // namespace chuhe::ai
