// The adjudicate tool (bench/adjudicate) run as a process on a few cases: its one-line verdicts and
// exit statuses, as docs/rules.md describes them.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace {

struct ToolRun {
  std::string out;
  int status = -1;
};

ToolRun adjudicate(const std::string& args) {
  ToolRun r;
  const std::string cmd = std::string(CHUHE_ADJUDICATE_BIN) + " " + args + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[256];
  while (fgets(buf, sizeof buf, p)) r.out += buf;
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TEST(AdjudicateTool, PerpetualChaseStopsAtTheThirdOccurrence) {
  // repetition-fsf.tsv "Chase with chasing side to move": the moves run past the ending ply.
  const ToolRun r = adjudicate(
      "--fen '2bakabnr/9/r1n1c4/2p1p1p1p/PP7/9/4P1P1P/2C3NC1/9/1NBAKAB1R w - - 0 1' "
      "--moves 'c2a2 a7b7 a2b2 b7a7 b2a2 a7b7 a2b2 b7a7 b2a2 a7b7 a2b2 b7a7'");
  EXPECT_EQ(r.out, "black_wins perpetual_chase 9\n");
  EXPECT_EQ(r.status, 0);
}

TEST(AdjudicateTool, PerpetualCheckAndDraws) {
  EXPECT_EQ(adjudicate("--fen '3k5/9/9/9/9/5p3/9/5p3/5K3/5C3 w - - 0 1' "
                       "--moves 'f1e1 f2e2 e1f1 e2f2 f1e1 f2e2 e1f1 e2f2'")
                .out,
            "red_wins perpetual_check 8\n");
  EXPECT_EQ(adjudicate("--fen '4k4/9/1r7/9/9/9/9/9/9/1R1K5 b - - 0 1' "
                       "--moves 'b7c7 b0c0 c7b7 c0b0 b7c7 b0c0 c7b7 c0b0'")
                .out,
            "draw repetition 8\n");
}

TEST(AdjudicateTool, OngoingFromTheStartPosition) {
  EXPECT_EQ(adjudicate("--moves 'h2e2 h9g7'").out, "ongoing - 2\n");
  EXPECT_EQ(adjudicate("").out, "ongoing - 0\n");
}

TEST(AdjudicateTool, IllegalMoveExitsTwo) {
  const ToolRun r = adjudicate("--moves 'h2e2 h9g7 h0h5'");
  EXPECT_EQ(r.out, "illegal 2 h0h5\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(adjudicate("--moves 'nonsense'").out, "illegal 0 nonsense\n");
}

TEST(AdjudicateTool, BadFenIsAUsageError) {
  const ToolRun r = adjudicate("--fen 'not a fen'");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.status, 1);
}

}  // namespace
