#include "ai/worker_pool.h"

#include <algorithm>
#include <functional>

#include "ai/searcher.h"
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
  for (auto& w : workers_) w->searcher->close();  // running searches end within ~1 ms
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
  for (;;) {
    Entry e;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;  // stop() answers whatever is still queued
      e = std::move(queue_.front());
      queue_.pop_front();
      ++stats_.busy_workers;
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

}  // namespace chuhe::ai
