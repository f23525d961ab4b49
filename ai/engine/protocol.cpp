#include "ai/engine/protocol.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include "ai/eval.h"
#include "ai/levels.h"
#include "ai/mcts/mcts.h"
#include "ai/nn/backend.h"
#include "ai/nn/evaluator.h"
#include "ai/nn/network.h"
#include "ai/nn/weights_io.h"
#include "rules/game.h"
#include "rules/movegen.h"
#include "rules/notation.h"
#include "rules/perft.h"

namespace chuhe::ai::engine {

using rules::Move;
using rules::Position;

namespace {

constexpr const char* kName = "Chuhe 0.1";
constexpr const char* kAuthor = "the Chuhe authors";

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> w;
  std::istringstream in{std::string(line)};
  for (std::string s; in >> s;) w.push_back(s);
  return w;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  return s;
}

// Plays `tokens` from fen with rank base 0 (ICCS) or 1 (Fairy-Stockfish); the moves if all legal.
std::optional<std::vector<Move>> read_moves(std::string_view fen, const std::vector<std::string>& tokens, int base,
                                            std::string& error) {
  Position p;
  if (p.set_fen(fen)) return std::nullopt;
  std::deque<rules::StateInfo> states;
  std::vector<Move> out;
  for (const std::string& t : tokens) {
    const auto raw = rules::parse_raw_move(t);
    if (!raw) {
      error = "not a move: " + t;
      return std::nullopt;
    }
    const int fr = raw->fr - base, tr = raw->tr - base;
    if (fr < 0 || fr > 9 || tr < 0 || tr > 9) {
      error = "rank out of range: " + t;
      return std::nullopt;
    }
    const Move m(rules::square_at(raw->ff, fr), rules::square_at(raw->tf, tr));
    if (m.from() == m.to() || !rules::is_legal(p, m)) {
      error = "illegal move: " + t;
      return std::nullopt;
    }
    p.do_move(m, states.emplace_back());
    out.push_back(m);
  }
  return out;
}

std::string score_text(Score s, bool ucci) {
  if (ucci) return "score " + std::to_string(s);
  if (s >= kMateInMaxPly) return "score mate " + std::to_string((kMate - s + 1) / 2);
  if (s <= -kMateInMaxPly) return "score mate -" + std::to_string((kMate + s) / 2);
  return "score cp " + std::to_string(s);
}

}  // namespace

ProtocolLoop::ProtocolLoop(std::ostream& out)
    : out_(out), searcher_(std::make_unique<Searcher>(16)), fen_(Position::kStartFen) {
  // CHUHE_ENGINE_LOG=FILE: every line in and out, with microseconds since start (debugging GUIs
  // and match tools).
  if (const char* path = std::getenv("CHUHE_ENGINE_LOG"); path && *path) log_.open(path, std::ios::app);
}

ProtocolLoop::~ProtocolLoop() {
  stop_search();
  wait_search();
}

void ProtocolLoop::stop_search() {
  searcher_->stop();
  mcts_stop_.store(true);
}

void ProtocolLoop::wait_search() {
  searcher_->wait();
  if (mcts_thread_.joinable()) mcts_thread_.join();
}

void ProtocolLoop::send(const std::string& line) {
  std::lock_guard lock(out_mu_);
  out_ << line << '\n' << std::flush;
  if (log_) log_ << elapsed_us() << " > " << line << std::endl;
}

long long ProtocolLoop::elapsed_us() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_).count();
}

int ProtocolLoop::run(std::istream& in) {
  // std::cin is tied to std::cout: every read would flush cout from this thread, outside out_mu_,
  // racing the search thread's writes (seen as a stale `bestmove` sent twice). Lines are flushed
  // one by one in send() anyway.
  in.tie(nullptr);
  for (std::string line; std::getline(in, line);)
    if (!handle(line)) return 0;
  // End of input: finish like `quit`.
  stop_search();
  wait_search();
  return 0;
}

bool ProtocolLoop::handle(std::string_view line) {
  if (log_) {
    std::lock_guard lock(out_mu_);
    log_ << elapsed_us() << " < " << line << std::endl;
  }
  const std::vector<std::string> w = split_words(line);
  if (w.empty()) return true;
  const std::string& cmd = w[0];
  if (cmd == "uci") {
    cmd_uci();
  } else if (cmd == "ucci") {
    cmd_ucci();
  } else if (cmd == "isready") {
    send("readyok");
  } else if (cmd == "setoption") {
    cmd_setoption(w);
  } else if (cmd == "ucinewgame") {
    stop_search();
    wait_search();
    searcher_->new_game();
  } else if (cmd == "position") {
    cmd_position(w);
  } else if (cmd == "go") {
    if (w.size() >= 3 && w[1] == "perft") {
      cmd_perft(std::max(1, std::atoi(w[2].c_str())));
    } else {
      cmd_go(w);
    }
  } else if (cmd == "stop") {
    stop_search();
  } else if (cmd == "ponderhit") {
    // Pondering is not offered (no Ponder option); nothing to do.
  } else if (cmd == "quit") {
    stop_search();
    wait_search();
    if (mode_ == Mode::Ucci) send("bye");
    return false;
  } else if (cmd == "bench") {
    cmd_bench(w);
  } else if (cmd == "perft" && w.size() >= 2) {
    cmd_perft(std::max(1, std::atoi(w[1].c_str())));
  } else if (cmd == "d") {
    searcher_->wait();
    send("fen " + searcher_->position().fen());
  } else if (cmd == "eval") {
    searcher_->wait();
    send("eval " + std::to_string(evaluate(searcher_->position())) + " (side to move)");
  } else {
    send("info string unknown command: " + std::string(line));
  }
  return true;
}

void ProtocolLoop::cmd_uci() {
  mode_ = Mode::Uci;
  send(std::string("id name ") + kName);
  send(std::string("id author ") + kAuthor);
  send("option name Hash type spin default 16 min 1 max 4096");
  send("option name Threads type spin default 1 min 1 max 1");
  send("option name Level type spin default 8 min 1 max 9");
  send("option name MCTS Threads type spin default 4 min 1 max 64");
  send("option name NN Weights type string default <shipped>");
  send("option name Seed type spin default 0 min 0 max 2147483647");
  send("option name Move Overhead type spin default 10 min 0 max 5000");
  send("option name Clear Hash type button");
  send("option name UCI_Variant type combo default xiangqi var xiangqi");
  send("uciok");
}

void ProtocolLoop::cmd_ucci() {
  mode_ = Mode::Ucci;
  send(std::string("id name ") + kName);
  send(std::string("id author ") + kAuthor);
  send("option hashsize type spin min 1 max 4096 default 16");
  send("option level type spin min 1 max 9 default 8");
  send("option seed type spin min 0 max 2147483647 default 0");
  send("ucciok");
}

void ProtocolLoop::cmd_setoption(const std::vector<std::string>& w) {
  // UCI: setoption name <name words> [value <value words>]; UCCI: setoption <name> <value>.
  std::string name, value;
  if (w.size() >= 2 && w[1] == "name") {
    std::size_t i = 2;
    for (; i < w.size() && w[i] != "value"; ++i) name += (name.empty() ? "" : " ") + w[i];
    for (++i; i < w.size(); ++i) value += (value.empty() ? "" : " ") + w[i];
  } else if (w.size() >= 2) {
    name = w[1];
    for (std::size_t i = 2; i < w.size(); ++i) value += (value.empty() ? "" : " ") + w[i];
  }
  set_option(lower(name), value);
}

void ProtocolLoop::set_option(std::string name, const std::string& value) {
  const long n = std::atol(value.c_str());
  if (name == "hash" || name == "hashsize") {
    searcher_->stop();
    searcher_->set_hash_mb(std::size_t(std::clamp(n, 1L, 4096L)));
  } else if (name == "level") {
    level_ = std::clamp(int(n), kMinLevel, kMctsLevel);  // 9: MCTS with the network
  } else if (name == "seed") {
    seed_ = std::uint64_t(std::max(n, 0L));
  } else if (name == "move overhead") {
    move_overhead_ms_ = std::clamp(int(n), 0, 5000);
  } else if (name == "mcts threads") {
    mcts_threads_ = std::clamp(int(n), 1, 64);
  } else if (name == "nn weights") {
    stop_search();
    wait_search();
    nn_weights_ = value == "<shipped>" ? std::string() : value;
    nn_tried_ = false;  // loaded again at the next level-9 `go`
    evaluator_.reset();
  } else if (name == "clear hash") {
    searcher_->stop();
    searcher_->new_game();
  } else if (name == "uci_variant") {
    if (lower(value) != "xiangqi") send("info string only xiangqi is supported");
  } else if (name == "threads") {
    if (n != 1) send("info string Threads is fixed at 1");
  } else {
    send("info string unknown option: " + name);
  }
}

void ProtocolLoop::cmd_position(const std::vector<std::string>& w) {
  std::size_t i = 1;
  std::string fen;
  if (i < w.size() && w[i] == "startpos") {
    fen = std::string(Position::kStartFen);
    ++i;
  } else if (i < w.size() && w[i] == "fen") {
    for (++i; i < w.size() && w[i] != "moves"; ++i) fen += (fen.empty() ? "" : " ") + w[i];
  } else {
    send("info string position: expected startpos or fen");
    return;
  }
  std::vector<std::string> tokens;
  if (i < w.size() && w[i] == "moves")
    for (++i; i < w.size(); ++i) tokens.push_back(w[i]);

  Position check;
  if (auto err = check.set_fen(fen)) {
    send("info string bad fen: " + err->message);
    return;
  }
  std::string error;
  auto moves = read_moves(fen, tokens, 0, error);
  if (!moves && mode_ == Mode::Uci) {
    std::string error1;
    moves = read_moves(fen, tokens, 1, error1);
  }
  if (!moves) {
    // Keep the legal prefix, as engines usually do, and say where it went wrong.
    send("info string " + error);
    std::vector<std::string> prefix = tokens;
    while (!prefix.empty() && !moves) {
      prefix.pop_back();
      std::string e;
      moves = read_moves(fen, prefix, 0, e);
    }
    if (!moves) moves.emplace();
  }
  stop_search();
  wait_search();
  fen_ = fen;
  moves_ = *moves;
  searcher_->set_position(fen_, moves_);
}

std::string ProtocolLoop::format_info(const SearchInfo& info) const {
  std::ostringstream s;
  const bool ucci = mode_ == Mode::Ucci;
  s << "info depth " << info.depth << " seldepth " << info.seldepth;
  if (!ucci) s << " multipv 1";
  s << ' ' << score_text(info.score, ucci);
  if (info.lowerbound) s << " lowerbound";
  if (info.upperbound) s << " upperbound";
  s << " nodes " << info.nodes << " nps " << info.nps;
  if (!ucci) s << " hashfull " << info.hashfull;
  s << " time " << info.time_ms << " pv";
  for (Move m : info.pv) s << ' ' << rules::to_iccs(m);
  return s.str();
}

void ProtocolLoop::cmd_go(const std::vector<std::string>& w) {
  stop_search();
  wait_search();
  SearchLimits limits;
  limits.level = level_;
  limits.move_overhead_ms = move_overhead_ms_;
  const int us = int(searcher_->position().side_to_move());
  auto num = [&](std::size_t i) { return i < w.size() ? std::atoll(w[i].c_str()) : 0LL; };
  for (std::size_t i = 1; i < w.size(); ++i) {
    const std::string& k = w[i];
    if (k == "infinite") limits.infinite = true;
    else if (k == "depth") limits.depth = int(num(++i));
    else if (k == "nodes") limits.nodes = std::uint64_t(num(++i));
    else if (k == "movetime") limits.movetime_ms = int(num(++i));
    else if (k == "movestogo") limits.movestogo = int(num(++i));
    else if (k == "wtime") limits.time_ms[0] = int(num(++i));
    else if (k == "btime") limits.time_ms[1] = int(num(++i));
    else if (k == "winc") limits.inc_ms[0] = int(num(++i));
    else if (k == "binc") limits.inc_ms[1] = int(num(++i));
    // UCCI: times are the side to move's ("time") and the opponent's ("opptime").
    else if (k == "time") limits.time_ms[us] = int(num(++i));
    else if (k == "increment") limits.inc_ms[us] = int(num(++i));
    else if (k == "opptime") limits.time_ms[1 - us] = int(num(++i));
    else if (k == "oppincrement") limits.inc_ms[1 - us] = int(num(++i));
    // "ponder", "draw", "searchmoves" and unknown words are ignored.
  }
  limits.seed = seed_ ? seed_ : std::uint64_t(std::random_device{}()) << 32 | std::random_device{}();
  if (is_mcts_level(level_)) {
    nn::Evaluator* ev = mcts_evaluator();
    // A position the rules have already ended (no legal move, or a repetition verdict) goes to
    // alpha-beta, which answers it (a bestmove or "none") as it always has.
    if (ev && start_mcts(*ev, limits)) return;
    limits.level = kMaxLevel;
  }
  const bool ucci = mode_ == Mode::Ucci;
  searcher_->go(
      limits, [this](const SearchInfo& info) { send(format_info(info)); },
      [this, ucci](const SearchResult& r) {
        if (!r.best) {
          send(ucci ? "nobestmove" : "bestmove (none)");
          return;
        }
        std::string line = "bestmove " + rules::to_iccs(r.best);
        if (r.ponder) line += " ponder " + rules::to_iccs(r.ponder);
        send(line);
      });
}

void ProtocolLoop::cmd_perft(int depth) {
  stop_search();
  wait_search();
  Position p;
  if (p.set_fen(fen_)) return;
  std::deque<rules::StateInfo> states;
  for (Move m : moves_) p.do_move(m, states.emplace_back());
  std::uint64_t total = 0;
  for (const rules::DivideEntry& e : rules::perft_divide(p, depth)) {
    send(rules::to_iccs(e.move) + ": " + std::to_string(e.nodes));
    total += e.nodes;
  }
  send("");
  send("Nodes searched: " + std::to_string(total));
}

void ProtocolLoop::cmd_bench(const std::vector<std::string>& w) {
  stop_search();
  wait_search();
  const int depth = w.size() >= 2 ? std::max(1, std::atoi(w[1].c_str())) : 0;
  std::lock_guard lock(out_mu_);
  run_bench(out_, depth);
  out_ << std::flush;
}

nn::Evaluator* ProtocolLoop::mcts_evaluator() {
  if (nn_tried_) return evaluator_.get();
  nn_tried_ = true;
  const std::string path = nn_weights_.empty() ? nn::default_weights_path() : nn_weights_;
  auto net = std::make_shared<nn::Network>();
  if (auto err = nn::load_weights(path, *net)) {
    send("info string level 9 (MCTS) unavailable, playing alpha-beta level 8: " + *err);
    return nullptr;
  }
  std::string note;
  auto backend = nn::make_backend(net, nn::BackendKind::Auto, &note);
  evaluator_ = std::make_unique<nn::Evaluator>(std::move(backend));
  send("info string level 9 (MCTS): loaded " + path + "; " + note);
  return evaluator_.get();
}

// MCTS on a thread of its own, with the budget the worker pool gives level 9: the movetime, or
// clock/30 + 3/4 of the increment (at most 60% of the clock), less the move overhead; `nodes N`
// caps the simulations; `infinite` (or no limit at all) searches until `stop`. False, with nothing
// started, when the rules have ended the game (the caller lets alpha-beta answer).
bool ProtocolLoop::start_mcts(nn::Evaluator& ev, const SearchLimits& limits) {
  rules::Game game;
  if (game.reset(fen_)) return false;  // cannot happen: fen_ was accepted by cmd_position
  for (Move m : moves_)
    if (game.play(m) != rules::PlayResult::Ok) return false;  // the game ended by rule on the way
  if (game.is_over()) return false;
  const int us = int(game.position().side_to_move());
  mcts::MctsLimits ml;
  ml.visits = limits.nodes > 0 ? int(std::min<std::uint64_t>(limits.nodes, 1u << 30)) : 0;
  ml.threads = mcts_threads_;
  if (!limits.infinite) {
    if (limits.movetime_ms > 0) {
      ml.movetime_ms = std::max(limits.movetime_ms - move_overhead_ms_, 10);
    } else if (limits.time_ms[us] > 0) {
      const int left = limits.time_ms[us];
      const int inc = std::max(limits.inc_ms[us], 0);
      const int moves_left = limits.movestogo > 0 ? std::min(limits.movestogo, 30) : 30;
      const int budget = std::min(left / moves_left + inc * 3 / 4, left * 6 / 10) - move_overhead_ms_;
      ml.movetime_ms = std::max(budget, 10);
    }
  }
  // `go depth N` alone has no MCTS meaning: it gets the simulations of the MCTS default (800) so
  // that it ends by itself. Otherwise, with no time and no simulation cap (`go infinite`, a bare
  // `go`), the search runs until `stop`.
  if (!limits.infinite && ml.movetime_ms == 0 && ml.visits == 0 && limits.depth > 0)
    ml.visits = mcts::MctsLimits{}.visits;
  mcts_stop_.store(false);
  const bool ucci = mode_ == Mode::Ucci;
  mcts_thread_ = std::thread([this, game = std::move(game), ml, &ev, ucci] {
    const mcts::MctsResult res = mcts::search(game, ev, ml, &mcts_stop_);
    if (!res.best) {
      send(ucci ? "nobestmove" : "bestmove (none)");
      return;
    }
    const long long ms = std::max<long long>(1, (long long)res.time_ms);
    std::ostringstream info;
    // The root's value in [-1, 1] on the centipawn scale (a chariot ~ 1000), as the pool reports it.
    info << "info depth 1 " << score_text(Score(res.value * 1000), ucci) << " nodes " << res.visits << " nps "
         << (long long)res.visits * 1000 / ms << " time " << ms << " pv " << rules::to_iccs(res.best);
    send(info.str());
    send("bestmove " + rules::to_iccs(res.best));
  });
  return true;
}

}  // namespace chuhe::ai::engine
