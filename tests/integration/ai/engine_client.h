#pragma once
// chuhe-engine as a child process for the engine tests (bench/match's client, library chuhe_uci_client):
// the destructor sends quit, then SIGKILL if needed, and always reaps. Plus the small checks both
// engine tests make of its answers.
#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench/match/engine_process.h"
#include "rules/movegen.h"
#include "rules/notation.h"
#include "rules/position.h"

namespace chuhe::ai::test {

inline const std::string kEngine = std::string(CHUHE_BIN_DIR) + "/chuhe-engine";

class EngineClient : public bench::EngineProcess {
 public:
  explicit EngineClient(std::vector<std::string> args = {}) {
    args.insert(args.begin(), kEngine);
    std::string error;
    spawn(args, error);
  }

  bool started() const { return running(); }

  // Reads until a line starting with `prefix`; returns it (and collects what came before).
  std::optional<std::string> expect(const std::string& prefix,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(20),
                                    std::vector<std::string>* before = nullptr) {
    return read_until(prefix, timeout, before);
  }
};

// The move of a "bestmove M ..." line.
inline std::string move_of(const std::string& bestmove_line) {
  std::istringstream in(bestmove_line);
  std::string w, m;
  in >> w >> m;
  return m;
}

inline bool legal_in(const std::string& fen, const std::string& iccs) {
  rules::Position p;
  if (p.set_fen(fen)) return false;
  const auto m = rules::parse_iccs(iccs);
  return m && rules::is_legal(p, *m);
}

}  // namespace chuhe::ai::test
