// Labels samples with Fairy-Stockfish's score at a fixed depth (UCI, one process per thread).
#include <atomic>
#include <iostream>
#include <sstream>
#include <thread>

#include "ai/tune/tune.h"
#include "bench/match/engine_process.h"

namespace chuhe::ai::tune {

int run_label(const LabelOptions& o) {
  std::vector<Sample> samples = read_samples(o.in);
  if (samples.empty()) {
    std::cerr << "label: no samples in " << o.in << "\n";
    return 2;
  }
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    bench::EngineConfig cfg;
    cfg.command = o.fsf;
    cfg.options = {{"UCI_Variant", "xiangqi"}, {"Threads", "1"}, {"Hash", "16"}};
    bench::EngineProcess fsf;
    std::string error;
    if (!fsf.start(cfg, error)) {
      std::cerr << "label: " << error << "\n";
      failed = true;
      return;
    }
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= samples.size()) return;
      Sample& s = samples[i];
      fsf.send("position fen " + s.fen);
      fsf.send("go depth " + std::to_string(o.depth));
      int cp = kNoLabel;
      for (;;) {
        auto line = fsf.read_line(std::chrono::seconds(30));
        if (!line) {
          failed = true;
          return;
        }
        if (line->rfind("bestmove", 0) == 0) break;
        std::istringstream in(*line);
        for (std::string w; in >> w;) {
          if (w != "score") continue;
          std::string kind;
          int v = 0;
          in >> kind >> v;
          cp = kind == "mate" ? (v > 0 ? 3000 : -3000) : v;
          break;
        }
      }
      // FSF scores the side to move; samples keep Red's view.
      const bool red = s.fen.find(" w") != std::string::npos;
      s.fsf_cp = cp == kNoLabel ? kNoLabel : red ? cp : -cp;
      const std::size_t n = ++done;
      if (n % 5000 == 0) std::cerr << "label: " << n << "/" << samples.size() << "\n";
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < std::max(o.threads, 1); ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (failed) std::cerr << "label: fairy-stockfish failed; unlabelled samples keep '-'\n";
  return write_samples(o.out, samples) ? 0 : 1;
}

}  // namespace chuhe::ai::tune
