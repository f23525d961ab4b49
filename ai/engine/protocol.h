// The chuhe-engine protocol loop: UCI (as Fairy-Stockfish speaks it for xiangqi) and UCCI, a thin
// client of ai::Searcher. The loop thread reads commands; searches run on the Searcher's thread, so
// `stop` and `isready` are answered at once even while a search runs.
//
// Moves go out in ICCS (files a-i, ranks 0-9). In UCI mode, incoming moves may also use
// Fairy-Stockfish's numbering (ranks 1-10): a move list that is not legal as ICCS is read that way.
//
// Level 9 (ai::kMctsLevel): `go` runs MCTS (ai/mcts) with the policy/value network (ai/nn) on a
// thread of its own; the network is loaded at the first level-9 `go` (the shipped weights, or the
// `NN Weights` option). If it cannot be loaded, an `info string` says so and level 8 plays.
#pragma once

#include <atomic>
#include <cstdint>
#include <chrono>
#include <fstream>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ai/searcher.h"

namespace chuhe::ai::nn {
class Evaluator;
}

namespace chuhe::ai::engine {

class ProtocolLoop {
 public:
  explicit ProtocolLoop(std::ostream& out);
  ~ProtocolLoop();

  // Reads commands until `quit` or end of input; returns the process exit status.
  int run(std::istream& in);
  // One command line; false after `quit`.
  bool handle(std::string_view line);

 private:
  enum class Mode { Uci, Ucci };

  void send(const std::string& line);
  void cmd_uci();
  void cmd_ucci();
  void cmd_setoption(const std::vector<std::string>& w);
  void cmd_position(const std::vector<std::string>& w);
  void cmd_go(const std::vector<std::string>& w);
  void cmd_perft(int depth);
  void cmd_bench(const std::vector<std::string>& w);
  void set_option(std::string name, const std::string& value);
  std::string format_info(const SearchInfo& info) const;
  long long elapsed_us() const;
  // Both kinds of search (alpha-beta on the Searcher's thread, MCTS on mcts_thread_).
  void stop_search();
  void wait_search();
  // The level-9 evaluator, loaded on first use; null (said once on an info string) if it cannot be.
  nn::Evaluator* mcts_evaluator();
  bool start_mcts(nn::Evaluator& ev, const SearchLimits& limits);

  std::ostream& out_;
  std::mutex out_mu_;
  Mode mode_ = Mode::Uci;
  std::unique_ptr<Searcher> searcher_;
  std::string fen_;
  std::vector<rules::Move> moves_;
  int level_ = 8;
  int mcts_threads_ = 4;
  std::string nn_weights_;  // empty = the shipped file (nn::default_weights_path())
  bool nn_tried_ = false;
  std::unique_ptr<nn::Evaluator> evaluator_;
  std::atomic<bool> mcts_stop_{false};
  std::thread mcts_thread_;  // the running (or finished, not yet joined) MCTS search
  int move_overhead_ms_ = 10;
  std::uint64_t seed_ = 0;  // 0 = a fresh random seed per search
  std::ofstream log_;       // CHUHE_ENGINE_LOG: a transcript of the session
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

// The bench: a fixed set of positions, each searched to a fixed depth on a cleared 16 MB table.
// Prints per-position node counts and the total ("Nodes searched  : N"), which depends only on the
// code, never on the machine or timing; and the speed.
void run_bench(std::ostream& out, int depth);

}  // namespace chuhe::ai::engine
