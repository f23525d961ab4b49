#include "ai/worker_pool.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <iostream>

#include "ai/levels.h"
#include "ai/mcts/mcts.h"
#include "ai/nn/evaluator.h"
#include "ai/nn/weights_io.h"
#include "ai/searcher.h"
#include "rules/game.h"
#include "rules/movegen.h"
#include "rules/notation.h"
#include "rules/position.h"

namespace chuhe::ai {

using Clock = std::chrono::steady_clock;

std::string_view to_string(JobError e) {
  switch (e) {
    case JobError::None: return "none";
    case JobError::QueueFull: return "queue_full";
    case JobError::ShuttingDown: return "shutting_down";
    case JobError::Cancelled: return "cancelled";
    case JobError::BadPosition: return "bad_position";
    case JobError::NoLegalMove: return "no_legal_move";
  }
  return "?";
}

struct WorkerPool::Worker {
  std::unique_ptr<Searcher> searcher;
  std::atomic<bool> stop_mcts{false};  // stop() ends a running MCTS search with it
  std::thread thread;
};

namespace {
double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}
}  // namespace

WorkerPool::WorkerPool(WorkerPoolOptions options) : options_(options) {
  options_.workers = std::max(options_.workers, 1);
  for (int i = 0; i < options_.workers; ++i) {
    auto w = std::make_unique<Worker>();
    w->searcher = std::make_unique<Searcher>(options_.hash_mb);
    workers_.push_back(std::move(w));
  }
  // Threads start only once every worker exists, so none sees a half-built vector.
  for (auto& w : workers_) w->thread = std::thread([this, wp = w.get()] { worker_main(*wp); });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::submit(Job job, JobCallback callback) {
  JobResult refusal;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      refusal.error = JobError::ShuttingDown;
      refusal.error_text = "the AI worker pool is shutting down";
    } else if (queue_.size() >= options_.max_queue) {
      refusal.error = JobError::QueueFull;
      refusal.error_text = "the AI queue is full (" + std::to_string(options_.max_queue) + " jobs waiting)";
    } else {
      queue_.push_back(Entry{std::move(job), std::move(callback), Clock::now()});
      cv_.notify_one();
      return true;
    }
    ++stats_.jobs_failed;
  }
  if (callback) callback(refusal);
  return false;
}

WorkerPoolStats WorkerPool::stats() const {
  std::lock_guard lock(mu_);
  WorkerPoolStats s = stats_;
  s.queue_length = queue_.size();
  return s;
}

void WorkerPool::stop() {
  std::deque<Entry> drained;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    drained.swap(queue_);
  }
  cv_.notify_all();
  for (auto& w : workers_) {
    w->searcher->close();  // running searches end within ~1 ms
    w->stop_mcts.store(true);
  }
  for (Entry& e : drained) {
    JobResult r;
    r.error = JobError::ShuttingDown;
    r.error_text = "the AI worker pool shut down before the job started";
    r.wait_ms = ms_between(e.queued_at, Clock::now());
    finish(e, std::move(r));
  }
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

int WorkerPool::shared_movetime(int movetime_ms, double waited_ms, std::size_t waiting, int busy, int workers) {
  constexpr int kFloorMs = 50;  // enough for a sensible move at any level
  const int floor = std::min(movetime_ms, kFloorMs);
  long long budget = movetime_ms - static_cast<long long>(waited_ms);
  // This job and those still waiting share the workers not already taken by other searches.
  const long long contenders = static_cast<long long>(waiting) + std::max(busy, 1);
  if (contenders > workers) budget = std::min<long long>(budget, static_cast<long long>(movetime_ms) * std::max(workers, 1) / contenders);
  return static_cast<int>(std::max<long long>(budget, floor));
}

void WorkerPool::finish(const Entry& e, JobResult r) {
  {
    std::lock_guard lock(mu_);
    if (r.ok()) {
      ++stats_.jobs_done;
      stats_.total_job_ms += r.search_ms;
      stats_.last_job_ms = r.search_ms;
    } else {
      ++stats_.jobs_failed;
    }
  }
  if (e.callback) e.callback(r);
}

void WorkerPool::worker_main(Worker& w) {
  if (options_.nice > 0) {
    // On Linux a thread's nice value is its own (PRIO_PROCESS with a thread id); failing to lower it
    // (a sandbox without setpriority) only leaves the default priority.
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    ::setpriority(PRIO_PROCESS, tid, ::getpriority(PRIO_PROCESS, tid) + options_.nice);
  }
  for (;;) {
    Entry e;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // stop() answers whatever is still queued
      e = std::move(queue_.front());
      queue_.pop_front();
      ++stats_.busy_workers;
      if (e.job.movetime_ms > 0)
        e.job.movetime_ms = shared_movetime(e.job.movetime_ms, ms_between(e.queued_at, Clock::now()), queue_.size(),
                                            stats_.busy_workers, options_.workers);
    }
    const auto started = Clock::now();
    JobResult r = run_job(w, e.job);
    r.wait_ms = ms_between(e.queued_at, started);
    r.search_ms = ms_between(started, Clock::now());
    {
      std::lock_guard lock(mu_);
      --stats_.busy_workers;
      if (stopping_ && r.ok()) {
        r.error = JobError::Cancelled;
        r.error_text = "the AI worker pool shut down during the search";
      }
    }
    finish(e, std::move(r));
  }
}

JobResult WorkerPool::run_job(Worker& w, const Job& job) {
  JobResult r;
  std::vector<rules::Move> moves;
  moves.reserve(job.moves.size());
  for (const std::string& s : job.moves) {
    const auto m = rules::parse_iccs(s);
    if (!m) {
      r.error = JobError::BadPosition;
      r.error_text = "not an ICCS move: '" + s + "'";
      return r;
    }
    moves.push_back(*m);
  }
  const std::string_view fen = job.initial_fen.empty() ? rules::Position::kStartFen : std::string_view(job.initial_fen);
  if (auto err = w.searcher->set_position(fen, moves)) {
    r.error = JobError::BadPosition;
    r.error_text = *err;
    return r;
  }
  const rules::Position& pos = w.searcher->position();
  if (!rules::has_legal_move(pos)) {
    r.error = JobError::NoLegalMove;
    r.error_text = "the side to move has no legal move";
    return r;
  }

  SearchLimits limits;
  limits.level = job.level;
  const int us = int(pos.side_to_move());
  if (job.movetime_ms > 0) {
    limits.movetime_ms = job.movetime_ms;
  } else if (job.time_ms[us] >= 0) {
    limits.time_ms[0] = job.time_ms[0];
    limits.time_ms[1] = job.time_ms[1];
    limits.inc_ms[0] = job.inc_ms[0];
    limits.inc_ms[1] = job.inc_ms[1];
    limits.move_overhead_ms = options_.move_overhead_ms;
  } else {
    limits.movetime_ms = options_.default_movetime_ms;
  }
  if (is_mcts_level(job.level)) {
    if (nn::Evaluator* ev = mcts_evaluator()) return run_mcts(w, *ev, job, moves, limits);
    limits.level = 8;  // no network: alpha-beta at full strength plays the move (logged once)
  }

  // The same game and ply give the same choice at weakened levels (reproducible games).
  limits.seed = std::hash<std::string>{}(job.game_id) ^ (std::uint64_t(moves.size()) * 0x9E3779B97F4A7C15ull);

  const SearchResult sr = w.searcher->search(limits);
  if (!sr.best) {
    // Cannot happen with a legal move available; reported rather than lost.
    r.error = JobError::NoLegalMove;
    r.error_text = "the search found no move";
    return r;
  }
  r.bestmove = rules::to_iccs(sr.best);
  r.score = sr.score;
  r.depth = sr.depth;
  r.nodes = sr.nodes;
  return r;
}

nn::Evaluator* WorkerPool::mcts_evaluator() {
  std::lock_guard lock(nn_mu_);
  if (nn_tried_) return evaluator_.get();
  nn_tried_ = true;
  auto log = [&](const std::string& line) {
    if (options_.log) options_.log(line);
    else std::cerr << "chuhe ai: " << line << std::endl;
  };
  const std::string path = options_.nn_weights.empty() ? nn::default_weights_path() : options_.nn_weights;
  auto net = std::make_shared<nn::Network>();
  if (auto err = nn::load_weights(path, *net)) {
    log("level 9 (MCTS) unavailable, playing it as alpha-beta level 8: " + *err);
    return nullptr;
  }
  std::string note;
  auto backend = nn::make_backend(net, nn::BackendKind::Auto, &note);
  log("level 9 (MCTS): loaded " + path + "; " + note);
  evaluator_ = std::make_unique<nn::Evaluator>(std::move(backend));
  return evaluator_.get();
}

JobResult WorkerPool::run_mcts(Worker& w, nn::Evaluator& ev, const Job& job, const std::vector<rules::Move>& moves,
                               const SearchLimits& limits) {
  JobResult r;
  rules::Game game;
  const std::string_view fen = job.initial_fen.empty() ? rules::Position::kStartFen : std::string_view(job.initial_fen);
  if (auto err = game.reset(fen)) {
    r.error = JobError::BadPosition;
    r.error_text = err->message;
    return r;
  }
  for (rules::Move m : moves)
    if (game.play(m) != rules::PlayResult::Ok) {  // legal for the searcher, so a game-over by rule
      r.error = JobError::NoLegalMove;
      r.error_text = "the game is already over by rule";
      return r;
    }
  // Same budget as alpha-beta would have: the movetime, or a share of the clock.
  int budget = limits.movetime_ms;
  if (budget <= 0) {
    const int us = int(game.position().side_to_move());
    const int left = std::max(limits.time_ms[us], 0);
    budget = std::min(left / 30 + limits.inc_ms[us] * 3 / 4, left * 6 / 10) - limits.move_overhead_ms;
  } else {
    budget -= options_.move_overhead_ms;
  }
  mcts::MctsLimits ml;
  ml.visits = 0;
  ml.movetime_ms = std::max(budget, 10);
  ml.threads = options_.mcts_threads;
  const mcts::MctsResult res = mcts::search(game, ev, ml, &w.stop_mcts);
  if (!res.best) {
    r.error = JobError::NoLegalMove;
    r.error_text = "the search found no move";
    return r;
  }
  r.bestmove = rules::to_iccs(res.best);
  r.score = int(res.value * 1000);  // a value in [-1, 1] shown on the centipawn scale (a chariot ~ 1000)
  r.nodes = std::uint64_t(res.visits);
  return r;
}

}  // namespace chuhe::ai
