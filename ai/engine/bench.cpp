#include <chrono>
#include <cstdint>
#include <ostream>

#include "ai/engine/protocol.h"
#include "ai/levels.h"

namespace chuhe::ai::engine {

namespace {

// Openings, middlegames and endgames (most from /work/shared/data/perft-suite.tsv). Changing this
// list changes the bench signature.
constexpr const char* kBenchFens[] = {
    "rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w - - 0 1",
    "rnbakabnr/9/1c5c1/p1p1p1p1p/9/1C7/P1P1P1P1P/7C1/9/RNBAKABNR b - - 1 1",
    "rnbakabnr/9/9/p1p1p1p1p/5c1c1/9/PCP1P1PCP/4B3R/9/RN1AKABN1 w - - 14 8",
    "rnbakabnr/9/9/p1p1p1p1p/9/7c1/P1P1PCP1P/1cC5B/9/RNBAKA1NR b - - 7 4",
    "rCbakabCr/9/1c1R5/p3p1p1p/2p6/4c4/P1P1P1P1P/R8/9/1NBAKABN1 w - - 3 10",
    "rnbak1b2/1c6r/3c1a2n/p3p3p/2p3p2/2B1P4/P1P3P1P/8C/1C1RK4/RN1A1ABN1 b - - 17 9",
    "rn1aka2r/9/b1c3n1b/p5p1p/2p1p4/2P3P2/P3P1c1P/NC4NCR/9/R1BAKAB2 w - - 18 10",
    "C1baka1nr/6c2/n8/2p1p3p/2b6/6p2/PcP1P3P/3RB2CR/4K4/1NBA1A1N1 w - - 0 13",
    "3a1ab2/3rk4/b1n5n/p2Cp1p1p/9/P1P1c1P2/Rr6P/6N1C/5cR2/1NBAKAB2 w - - 11 22",
    "2r1kab1r/9/b2a5/p5pn1/2p5p/5cP2/PCP1p4/R4A2B/2c2N3/1NBAK3R w - - 8 26",
    "r1bak4/4a4/n5r2/2p1R1n1p/9/p1B1P4/2P3P1P/6NC1/Rc1KA4/1NBA5 b - - 4 26",
    "1Rbaka1n1/n2r1r3/c1C1b4/p3p4/9/2P6/P3P1Pcp/3A5/4K1R2/1NBA2BN1 b - - 11 28",
    "2bk1abn1/7r1/3c5/p1p1p4/6p2/1cB1P4/P1P3P1p/7CB/4NrRR1/3AKA3 b - - 1 19",
    "1n2ka3/9/b4aC2/1r2p1r2/1Pb5p/2P1P2p1/1NC2NP1P/5K1R1/8R/5A3 w - - 15 65",
    "C2k1a3/5C2r/b8/P2c2p2/3n2bc1/2p2NP2/1RP6/4K1Np1/9/3A2B2 b - - 1 80",
    "3k1a3/4a4/4b4/9/2b6/9/9/4B4/4A4/2R1KA3 w - - 0 1",
    "4ka3/4a4/9/9/2P3p2/9/9/9/4A4/3AK4 w - - 0 1",
    "3ak4/4a4/9/9/9/9/4n4/9/4A4/2C1KA3 w - - 0 1",
};
constexpr int kDefaultBenchDepth = 13;

}  // namespace

void run_bench(std::ostream& out, int depth) {
  if (depth <= 0) depth = kDefaultBenchDepth;
  // A fixed table size and a cleared table per position: the count depends only on the code.
  Searcher searcher(16);
  std::uint64_t total = 0;
  const auto start = std::chrono::steady_clock::now();
  int index = 0;
  for (const char* fen : kBenchFens) {
    searcher.new_game();
    searcher.set_position(fen);
    SearchLimits limits;
    limits.depth = depth;
    limits.level = kMaxLevel;
    const SearchResult r = searcher.search(limits);
    total += r.nodes;
    out << "Position " << ++index << ": " << fen << " nodes " << r.nodes << '\n';
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  out << "\n===========================\n"
      << "Total time (ms) : " << ms << '\n'
      << "Nodes searched  : " << total << '\n'
      << "Nodes/second    : " << total * 1000 / std::uint64_t(ms > 0 ? ms : 1) << '\n';
}

}  // namespace chuhe::ai::engine
