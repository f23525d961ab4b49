#include "bench/match/engine_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "rules/notation.h"

extern char** environ;

namespace chuhe::bench {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

bool EngineProcess::spawn(const std::vector<std::string>& args, std::string& error) {
  kill();
  if (args.empty()) {
    error = "nothing to run";
    return false;
  }
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0) {
    error = "pipe failed";
    return false;
  }
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    error = "pipe failed";
    return false;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int rc = posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  to_ = in[1];
  from_ = out[0];
  if (rc != 0) {
    pid_ = -1;
    error = "cannot spawn: " + args[0];
    kill();
    return false;
  }
  // A dead engine must not kill us with SIGPIPE when we write to it.
  signal(SIGPIPE, SIG_IGN);
  return true;
}

bool EngineProcess::start(const EngineConfig& config, std::string& error) {
  config_ = config;
  if (!spawn({"/bin/sh", "-c", "exec " + config.command}, error)) {
    if (error.rfind("cannot spawn", 0) == 0) error = "cannot spawn: " + config.command;
    return false;
  }

  name_ = config.command;
  const bool uci = config.protocol == Protocol::Uci;
  send(uci ? "uci" : "ucci");
  const auto deadline = Clock::now() + 10s;
  bool ok = false;
  while (Clock::now() < deadline) {
    auto line = read_line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!line) break;
    if (line->rfind("id name ", 0) == 0) name_ = line->substr(8);
    if (*line == (uci ? "uciok" : "ucciok")) {
      ok = true;
      break;
    }
  }
  if (!ok) {
    error = "no " + std::string(uci ? "uciok" : "ucciok") + " from " + config.command;
    kill();
    return false;
  }
  rank_base_ = config.rank_base >= 0 ? config.rank_base
               : (uci && name_.find("Fairy-Stockfish") != std::string::npos) ? 1
                                                                             : 0;
  for (const auto& [k, v] : config.options)
    send(uci ? "setoption name " + k + " value " + v : "setoption " + k + " " + v);
  send("isready");
  if (!wait_for("readyok", 10s)) {
    error = "no readyok from " + config.command;
    kill();
    return false;
  }
  return true;
}

bool EngineProcess::new_game() {
  if (config_.protocol == Protocol::Uci) send("ucinewgame");
  send("isready");
  return wait_for("readyok", 10s);
}

std::string EngineProcess::to_engine(const std::string& iccs) const {
  if (rank_base_ == 0) return iccs;
  std::string out;
  out += iccs[0];
  out += std::to_string(iccs[1] - '0' + 1);
  out += iccs[2];
  out += std::to_string(iccs[3] - '0' + 1);
  return out;
}

std::optional<std::string> EngineProcess::from_engine(const std::string& move) const {
  const auto raw = rules::parse_raw_move(move);
  if (!raw) return std::nullopt;
  const int fr = raw->fr - rank_base_, tr = raw->tr - rank_base_;
  if (fr < 0 || fr > 9 || tr < 0 || tr > 9) return std::nullopt;
  std::string out;
  out += char('a' + raw->ff);
  out += char('0' + fr);
  out += char('a' + raw->tf);
  out += char('0' + tr);
  return out;
}

std::optional<std::string> EngineProcess::go(const std::string& fen, const std::vector<std::string>& iccs_moves,
                                             const std::string& go_args, std::chrono::milliseconds timeout,
                                             std::string& error) {
  std::string pos = "position fen " + fen;
  if (!iccs_moves.empty()) {
    pos += " moves";
    for (const std::string& m : iccs_moves) pos += ' ' + to_engine(m);
  }
  if (!send(pos) || !send("go " + go_args)) {
    error = "engine not accepting input (crashed?)";
    return std::nullopt;
  }
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      error = "timeout waiting for bestmove";
      return std::nullopt;
    }
    auto line = read_line(left);
    if (!line) {
      error = running() ? "timeout waiting for bestmove" : "engine exited";
      return std::nullopt;
    }
    if (*line == "nobestmove") return std::string();
    if (line->rfind("bestmove ", 0) != 0) continue;
    std::string mv = line->substr(9);
    mv = mv.substr(0, mv.find(' '));
    if (mv == "(none)" || mv == "0000") return std::string();
    auto iccs = from_engine(mv);
    if (!iccs) error = "malformed bestmove: " + *line;
    return iccs;
  }
}

namespace {
// CHUHE_MATCH_TRACE=1: every line to and from every engine on stderr, with the engine's pid.
bool trace_enabled() {
  static const bool on = [] {
    const char* v = std::getenv("CHUHE_MATCH_TRACE");
    return v && *v && *v != '0';
  }();
  return on;
}
}  // namespace

bool EngineProcess::send(std::string_view line) {
  if (trace_enabled()) std::fprintf(stderr, "[%d] -> %.*s\n", int(pid_), int(line.size()), line.data());
  if (to_ < 0) return false;
  std::string text(line);
  text += '\n';
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(to_, text.data() + done, text.size() - done);
    if (n <= 0) return false;
    done += std::size_t(n);
  }
  return true;
}

std::optional<std::string> EngineProcess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (trace_enabled()) std::fprintf(stderr, "[%d] <- %s\n", int(pid_), line.c_str());
      return line;
    }
    if (from_ < 0) return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{from_, POLLIN, 0};
    if (poll(&p, 1, int(left.count())) <= 0) continue;
    char chunk[4096];
    const ssize_t n = read(from_, chunk, sizeof chunk);
    if (n <= 0) {
      // End of output: the engine exited. Reap it so that running() says so.
      kill();
      return std::nullopt;
    }
    buffer_.append(chunk, std::size_t(n));
  }
}

std::optional<std::string> EngineProcess::read_until(std::string_view prefix, std::chrono::milliseconds timeout,
                                                     std::vector<std::string>* before) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto line = read_line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!line) return std::nullopt;
    if (line->rfind(prefix, 0) == 0) return line;
    if (before) before->push_back(*line);
  }
  return std::nullopt;
}

bool EngineProcess::wait_for(std::string_view token, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto line = read_line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (!line) return false;
    if (*line == token) return true;
  }
  return false;
}

void EngineProcess::kill() {
  if (pid_ > 0) {
    if (to_ >= 0) {
      send("quit");
      close(to_);
      to_ = -1;
    }
    int status = 0;
    bool reaped = false;
    for (int i = 0; i < 20 && !reaped; ++i) {
      reaped = waitpid(pid_, &status, WNOHANG) == pid_;
      if (!reaped) std::this_thread::sleep_for(5ms);
    }
    if (!reaped) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  if (to_ >= 0) close(to_);
  if (from_ >= 0) close(from_);
  to_ = from_ = -1;
  buffer_.clear();
}

}  // namespace chuhe::bench
