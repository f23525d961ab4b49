// EngineProcess: a UCI or UCCI engine run as a child process (posix_spawn, stdin/stdout on pipes,
// stderr to /dev/null), spoken to line by line with timeouts. The destructor always kills and
// reaps the child. The one child-process client of the tree: bench/match, ai/tune and the
// integration tests that drive chuhe-engine and fairy-stockfish (library chuhe_uci_client).
// Moves cross this interface in ICCS (ranks 0-9); engines that number ranks 1-10 (Fairy-Stockfish
// in UCI mode) are converted on the way in and out.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chuhe::bench {

enum class Protocol { Uci, Ucci };

struct EngineConfig {
  std::string command;                                     // run with /bin/sh -c "exec <command>"
  Protocol protocol = Protocol::Uci;
  std::vector<std::pair<std::string, std::string>> options;  // setoption name/value pairs
  int rank_base = -1;                                      // 0 ICCS, 1 FSF-style; -1 = detect from `id name`
};

class EngineProcess {
 public:
  EngineProcess() = default;
  ~EngineProcess() { kill(); }
  EngineProcess(const EngineProcess&) = delete;
  EngineProcess& operator=(const EngineProcess&) = delete;

  // Starts the engine and runs the handshake (uci/ucci, options, isready). False on failure.
  bool start(const EngineConfig& config, std::string& error);
  // Only starts the program argv[0] (a path) with these arguments, no shell and no handshake: for
  // callers that script the protocol themselves (tests). False on failure. Also ignores SIGPIPE,
  // so that writing to a child that died fails instead of killing us.
  bool spawn(const std::vector<std::string>& argv, std::string& error);
  bool running() const { return pid_ > 0; }
  const std::string& name() const { return name_; }

  bool new_game();  // ucinewgame (UCI) + isready
  // Sends the position and a go command; returns the engine's move in ICCS, or nullopt (with
  // `error`) on crash, timeout or a malformed answer. "(none)"/"nobestmove" give an empty string.
  std::optional<std::string> go(const std::string& fen, const std::vector<std::string>& iccs_moves,
                                const std::string& go_args, std::chrono::milliseconds timeout, std::string& error);
  // Raw access, for the opening generator.
  bool send(std::string_view line);
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Reads lines until one starts with `prefix` and returns it (the lines before it go to `before`
  // if given); nullopt on timeout or end of output.
  std::optional<std::string> read_until(std::string_view prefix, std::chrono::milliseconds timeout,
                                        std::vector<std::string>* before = nullptr);
  std::string to_engine(const std::string& iccs) const;
  std::optional<std::string> from_engine(const std::string& move) const;

  void kill();

 private:
  bool wait_for(std::string_view token, std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;
  std::string buffer_;
  std::string name_;
  EngineConfig config_;
  int rank_base_ = 0;
};


}  // namespace chuhe::bench
