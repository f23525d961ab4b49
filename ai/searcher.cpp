#include "ai/searcher.h"

#include "rules/movegen.h"
#include "rules/notation.h"

namespace chuhe::ai {

Searcher::Searcher(std::size_t hash_mb) : tt_(hash_mb) {}

Searcher::~Searcher() {
  close();
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Searcher::set_hash_mb(std::size_t mb) {
  wait();
  if (mb != tt_.size_mb()) tt_.resize(mb);
}

void Searcher::new_game() {
  wait();
  tt_.clear();
  core_.clear();
}

std::optional<std::string> Searcher::set_position(std::string_view fen, std::span<const rules::Move> moves) {
  wait();
  rules::Position p;
  if (auto err = p.set_fen(fen)) return err->message;
  // Validate every move on a scratch position before touching ours.
  std::deque<rules::StateInfo> scratch;
  for (std::size_t i = 0; i < moves.size(); ++i) {
    if (!rules::is_legal(p, moves[i])) return "illegal move " + rules::to_iccs(moves[i]) + " at ply " + std::to_string(i);
    p.do_move(moves[i], scratch.emplace_back());
  }
  history_.clear();
  [[maybe_unused]] auto ok = pos_.set_fen(fen);
  for (rules::Move m : moves) pos_.do_move(m, history_.emplace_back());
  return std::nullopt;
}

std::optional<std::string> Searcher::set_position(const rules::Game& game) {
  std::vector<rules::Move> moves;
  moves.reserve(game.history().size());
  for (const rules::PlyRecord& r : game.history()) moves.push_back(r.move);
  return set_position(game.initial_fen(), moves);
}

void Searcher::arm() {
  std::lock_guard lock(arm_mu_);
  if (!closed_) stop_.store(false);
}

void Searcher::close() {
  {
    std::lock_guard lock(arm_mu_);
    closed_ = true;
    stop_.store(true);
  }
}

SearchResult Searcher::search(const SearchLimits& limits, const InfoCallback& on_info) {
  arm();
  busy_.store(true);
  SearchResult r = core_.run(pos_, tt_, limits, on_info, stop_);
  {
    std::lock_guard lock(mu_);
    busy_.store(false);
  }
  cv_.notify_all();
  return r;
}

void Searcher::stop() { stop_.store(true); }

void Searcher::go(const SearchLimits& limits, InfoCallback on_info, DoneCallback on_done) {
  wait();
  std::unique_lock lock(mu_);
  if (!thread_.joinable()) thread_ = std::thread([this] { thread_main(); });
  arm();  // here, not on the thread: a stop() right after go() must not be lost
  busy_.store(true);
  pending_ = true;
  pending_limits_ = limits;
  pending_info_ = std::move(on_info);
  pending_done_ = std::move(on_done);
  lock.unlock();
  cv_.notify_all();
}

void Searcher::wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !pending_ && !busy_.load(); });
}

void Searcher::thread_main() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return quit_ || pending_; });
    if (quit_ && !pending_) return;
    const SearchLimits limits = pending_limits_;
    InfoCallback on_info = std::move(pending_info_);
    DoneCallback on_done = std::move(pending_done_);
    lock.unlock();
    const SearchResult r = core_.run(pos_, tt_, limits, on_info, stop_);
    if (on_done) on_done(r);
    lock.lock();
    pending_ = false;
    busy_.store(false);
    cv_.notify_all();
  }
}

}  // namespace chuhe::ai
