#include "ai/nn/evaluator.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "ai/nn/features.h"
#include "ai/nn/move_table.h"

namespace chuhe::ai::nn {

Evaluator::Evaluator(std::unique_ptr<Backend> backend, EvaluatorOptions options)
    : backend_(std::move(backend)), options_(options) {
  options_.max_batch = std::max(options_.max_batch, 1);
  options_.max_wait_us = std::max(options_.max_wait_us, 0);
  cache_.resize(options_.cache_entries);
  thread_ = std::thread([this] { thread_main(); });
}

Evaluator::~Evaluator() {
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::future<Evaluation> Evaluator::submit(const rules::Position& pos) {
  Request r;
  rules::MoveList legal;
  rules::generate_legal<rules::GenType::All>(pos, legal);
  r.eval.count = legal.size();
  std::copy(legal.begin(), legal.end(), r.eval.moves.begin());
  // The counter plane is an input, so it is part of the key (the Zobrist key leaves it out).
  r.cache_key = pos.key() ^ (std::uint64_t(std::min(pos.rule60(), 120)) * 0x9E3779B97F4A7C15ull);
  std::future<Evaluation> fut = r.promise.get_future();
  {
    std::lock_guard lock(mu_);
    ++stats_.requests;
  }
  if (legal.empty()) {  // mate or stalemate: lost for the side to move under Chuhe's rules
    r.eval.value = -1;
    r.promise.set_value(r.eval);
    return fut;
  }
  if (!cache_.empty()) {
    std::lock_guard lock(cache_mu_);
    const CacheSlot& slot = cache_[r.cache_key % cache_.size()];
    if (slot.used && slot.key == r.cache_key) {
      r.promise.set_value(slot.eval);
      std::lock_guard lock2(mu_);
      ++stats_.cache_hits;
      return fut;
    }
  }
  r.input.resize(kInputSize);
  encode_position(pos, r.input.data());
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(r));
  }
  cv_.notify_one();
  return fut;
}

EvaluatorStats Evaluator::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

Evaluator::Seat::Seat(Evaluator& evaluator) : evaluator_(evaluator) {
  std::lock_guard lock(evaluator_.mu_);
  ++evaluator_.seated_;
}

Evaluator::Seat::~Seat() { park(true); }

void Evaluator::Seat::park(bool parked) {
  {
    std::lock_guard lock(evaluator_.mu_);
    if (parked == parked_) return;
    parked_ = parked;
    evaluator_.seated_ += parked ? -1 : 1;
  }
  evaluator_.cv_.notify_all();  // one thread fewer to wait for: a partial batch may go now
}

void Evaluator::thread_main() {
  std::vector<Request> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return quit_ || !queue_.empty(); });
      if (queue_.empty()) return;  // quit_ with nothing left to answer
      // A partial batch waits for company, but never past max_wait_us after we saw it.
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::microseconds(options_.max_wait_us);
      cv_.wait_until(lock, deadline, [&] {
        const int queued = int(queue_.size());
        return quit_ || queued >= options_.max_batch || (seated_ > 0 && queued >= seated_);
      });
      const std::size_t take = std::min(queue_.size(), std::size_t(options_.max_batch));
      batch.clear();
      for (std::size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      ++stats_.batches;
      stats_.evaluated += take;
    }
    run_batch(batch);
  }
}

void Evaluator::run_batch(std::vector<Request>& batch) {
  const int n = int(batch.size());
  inputs_.resize(std::size_t(n) * kInputSize);
  policy_.resize(std::size_t(n) * kPolicySize);
  values_.resize(std::size_t(n));
  for (int i = 0; i < n; ++i)
    std::copy(batch[std::size_t(i)].input.begin(), batch[std::size_t(i)].input.end(),
              inputs_.begin() + std::ptrdiff_t(i) * kInputSize);
  backend_->evaluate(inputs_.data(), n, policy_.data(), values_.data());
  for (int i = 0; i < n; ++i) {
    Request& r = batch[std::size_t(i)];
    Evaluation& e = r.eval;
    e.value = values_[std::size_t(i)];
    const float* logits = policy_.data() + std::size_t(i) * kPolicySize;
    // Softmax over the legal moves only, in the network's frame.
    float max_logit = -1e30f;
    const bool black = r.input[14 * kBoardPoints] == 0.0f;  // the side-to-move plane
    for (int m = 0; m < e.count; ++m) {
      const rules::Move nm = black ? flip(e.moves[std::size_t(m)]) : e.moves[std::size_t(m)];
      const int idx = policy_index(nm);
      e.priors[std::size_t(m)] = idx >= 0 ? logits[idx] : -1e30f;
      max_logit = std::max(max_logit, e.priors[std::size_t(m)]);
    }
    float sum = 0;
    for (int m = 0; m < e.count; ++m) sum += e.priors[std::size_t(m)] = std::exp(e.priors[std::size_t(m)] - max_logit);
    for (int m = 0; m < e.count; ++m) e.priors[std::size_t(m)] /= sum;
    if (!cache_.empty()) {
      std::lock_guard lock(cache_mu_);
      CacheSlot& slot = cache_[r.cache_key % cache_.size()];
      slot.key = r.cache_key;
      slot.used = true;
      slot.eval = e;
    }
    r.promise.set_value(e);
  }
}

}  // namespace chuhe::ai::nn
