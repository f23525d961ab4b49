#include "rooms/game_room.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "rooms/metrics.h"
#include "rules/notation.h"
#include "rules/repetition.h"

namespace chuhe::rooms {

namespace asio = boost::asio;
using rules::Color;

namespace {

// Can `side` still win with what it has on the board? Without chariot, horse, cannon or soldier no
// mate is possible, so the opponent's flag falling gives only a draw.
bool can_mate(const rules::Position& pos, Color side) {
  using rules::PieceType;
  for (PieceType t : {PieceType::Chariot, PieceType::Horse, PieceType::Cannon, PieceType::Soldier})
    if (pos.count(side, t) > 0) return true;
  return false;
}

std::string win_result(Color winner) {
  return std::string(rules::result_string(rules::win_for(winner)));
}

}  // namespace

std::shared_ptr<GameRoom> GameRoom::create(asio::any_io_executor io, GameSetup setup, Deps deps) {
  return std::shared_ptr<GameRoom>(new GameRoom(io, std::move(setup), std::move(deps)));
}

GameRoom::GameRoom(const asio::any_io_executor& io, GameSetup setup, Deps deps)
    : strand_(asio::make_strand(io)),
      setup_(std::move(setup)),
      deps_(std::move(deps)),
      clock_(setup_.tc),
      flag_timer_(strand_),
      spectator_timer_(strand_),
      seats_{Seat{setup_.red, {}, asio::steady_timer(strand_)}, Seat{setup_.black, {}, asio::steady_timer(strand_)}},
      chat_(deps_.config.chat_lines, deps_.config.chat_window) {
  if (auto err = game_.reset(setup_.fen)) throw std::invalid_argument("bad FEN: " + err->message);
  first_mover_ = side_to_move();
}

std::optional<Color> GameRoom::seat_of(std::string_view user_id) const {
  for (Color c : {Color::Red, Color::Black})
    if (const auto* user = std::get_if<User>(&setup_.player(c)); user && user->id == user_id) return c;
  return std::nullopt;
}

// ---- Entry points: each posts onto the strand ----

void GameRoom::start(std::vector<ClientPtr> red, std::vector<ClientPtr> black, ClientPtr requester, std::string id) {
  asio::post(strand_, [self = shared_from_this(), red = std::move(red), black = std::move(black),
                       requester = std::move(requester), id = std::move(id)]() mutable {
    for (const auto& c : red) self->attach(Color::Red, c);
    for (const auto& c : black) self->attach(Color::Black, c);
    self->deps_.journal->start(self->setup_, [self, requester = std::move(requester), id = std::move(id)](bool ok) {
      asio::post(self->strand_, [self, ok, requester, id] { self->on_started(ok, requester, id); });
    });
  });
}

void GameRoom::recover(std::vector<JournaledMove> moves) {
  asio::post(strand_, [self = shared_from_this(), moves = std::move(moves)] { self->on_recover(moves); });
}

void GameRoom::handle(ClientPtr client, ClientRequest request, Clock::time_point received) {
  asio::post(strand_,
             [self = shared_from_this(), client = std::move(client), request = std::move(request), received]() mutable {
               self->run_or_defer([self, client = std::move(client), request = std::move(request), received] {
                 self->on_request(client, request, received);
               });
             });
}

void GameRoom::detach(ClientPtr client) {
  // Through the queue, so that requests this connection sent before it went are handled first (a queued
  // `resume` would otherwise re-attach a dead connection).
  asio::post(strand_, [self = shared_from_this(), client = std::move(client)] {
    self->run_or_defer([self, client] { self->on_detach(client); });
  });
}

void GameRoom::shutdown() {
  asio::post(strand_, [self = shared_from_this()] {
    self->flag_timer_.cancel();
    self->spectator_timer_.cancel();
    for (auto& s : self->seats_) s.grace.cancel();
    if (self->deps_.ai && self->has_ai() && !self->end_) self->deps_.ai->cancel(self->setup_.id);
  });
}

// ---- The queue of requests that wait for the journal ----

void GameRoom::run_or_defer(std::function<void()> work) {
  if (busy_) return deferred_.push_back(std::move(work));
  work();
}

void GameRoom::drain() {
  while (!busy_ && !deferred_.empty()) {
    auto work = std::move(deferred_.front());
    deferred_.pop_front();
    work();
  }
}

// ---- Start, turns, moves ----

void GameRoom::on_started(bool durable, const ClientPtr& requester, const std::string& id) {
  busy_ = false;
  started_ = true;
  for (Color c : {Color::Red, Color::Black}) {
    if (seat(c).connections.empty()) continue;
    Message start = make_message(write_game_start(setup_, c));
    Message answer = requester && !id.empty() ? make_message(append_id(*start, id)) : start;
    for (const auto& conn : seat(c).connections) conn->send(conn == requester ? answer : start, Audience::player);
  }
  if (!durable) {
    // Nothing of this game could be recorded: it ends before it began, counted for nobody.
    end_game("*", "aborted");
    return drain();
  }
  for (Color c : {Color::Red, Color::Black})
    if (!is_ai(seat(c).player) && seat(c).connections.empty()) arm_grace(c);
  begin_turn();
  drain();
}

void GameRoom::on_recover(const std::vector<JournaledMove>& moves) {
  busy_ = false;
  started_ = true;
  const auto now = Clock::now();
  for (const JournaledMove& m : moves) {
    const Color mover = side_to_move();
    auto move = rules::parse_iccs(m.iccs);
    // The journal only ever holds moves this code accepted; one that no longer plays (a rules change
    // between versions) ends the replay there rather than inventing a position.
    if (!move || game_.play(*move) != rules::PlayResult::Ok) break;
    clock_.set_remaining(mover, GameClock::ms(m.clock_ms));
    moves_.push_back(rules::to_iccs(*move));
    records_.push_back(MoveRecord{game_.fen(), clocks_now(now), game_.history().back().gave_check});
  }
  move_count_.store(static_cast<int>(moves_.size()), std::memory_order_relaxed);
  // A game whose last move ended it, but whose end record was lost in the crash, ends now.
  if (auto result = game_.result()) {
    end_game(*result);
    return drain();
  }
  for (Color c : {Color::Red, Color::Black})
    if (!is_ai(seat(c).player) && seat(c).connections.empty()) arm_grace(c);
  begin_turn();
  drain();
}

void GameRoom::begin_turn() {
  clock_.start(side_to_move(), Clock::now());
  arm_flag();
  if (is_ai(setup_.player(side_to_move()))) request_ai_move();
}

// The move is already played on game_; it becomes visible only once the journal has it.
void GameRoom::accept_move(Color mover, const std::string& iccs, ClientPtr requester, std::string id,
                           Clock::time_point at) {
  GameClock before = clock_;
  clock_.stop(at, /*add_increment=*/true);  // the caller has checked that the flag had not fallen by `at`
  flag_timer_.cancel();
  busy_ = true;
  const int ply = static_cast<int>(moves_.size());
  const long long left = clock_.remaining(mover, at).count();
  auto self = shared_from_this();
  deps_.journal->append(setup_.id, ply, iccs, left,
                        [self, mover, iccs, requester = std::move(requester), id = std::move(id), before, at](bool ok) {
                          asio::post(self->strand_,
                                     [=] { self->on_move_durable(ok, mover, iccs, requester, id, before, at); });
                        });
}

void GameRoom::on_move_durable(bool durable, Color mover, const std::string& iccs, const ClientPtr& requester,
                               const std::string& id, const GameClock& before, Clock::time_point read_at) {
  busy_ = false;
  if (!durable) {
    // As if the move had never been sent: the position and the mover's running clock are restored.
    game_.undo();
    clock_ = before;
    arm_flag();
    if (requester) {
      reply_error(requester, "unavailable", "the move could not be recorded; send it again", id);
    } else if (is_ai(setup_.player(mover))) {
      request_ai_move();
    }
    return drain();
  }
  const auto now = Clock::now();
  const auto& last = game_.history().back();
  moves_.push_back(iccs);
  records_.push_back(MoveRecord{game_.fen(), clocks_now(now), last.gave_check});
  move_count_.fetch_add(1, std::memory_order_relaxed);
  // Playing on is declining: an offer stands until the side it was made to moves.
  if (draw_offer_ && *draw_offer_ != mover) draw_offer_.reset();
  broadcast(move_message(moves_.size() - 1), requester, id);
  metrics::count_move(Clock::now() - read_at);
  if (auto result = game_.result()) {
    end_game(*result);
  } else {
    begin_turn();
  }
  drain();
}

void GameRoom::arm_flag() {
  if (!clock_.running()) return;
  flag_timer_.expires_at(clock_.deadline());
  flag_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;
    self->run_or_defer([self] { self->on_flag(); });
  });
}

void GameRoom::on_flag() {
  // A timer cancelled too late to stop its handler finds the clock moved on: check again.
  if (end_ || !clock_.flagged(Clock::now())) return;
  lose_on_time();
}

void GameRoom::lose_on_time() {
  const Color flagged = *clock_.running_side();
  clock_.stop(Clock::now(), false);
  const Color other = ~flagged;
  end_game(
      can_mate(game_.position(), other) ? win_result(other) : std::string(rules::result_string(rules::Outcome::Draw)),
      "timeout");
}

// ---- The end ----

void GameRoom::end_game(rules::GameResult result) {
  end_game(std::string(rules::result_string(result.outcome)), std::string(rules::to_string(result.reason)));
}

void GameRoom::end_game(std::string result, std::string reason, ClientPtr requester, std::string id) {
  if (end_) return;
  end_requester_ = std::move(requester);
  end_request_id_ = std::move(id);
  if (clock_.running()) clock_.stop(Clock::now(), false);
  flag_timer_.cancel();
  for (auto& s : seats_) s.grace.cancel();
  if (deps_.ai && has_ai()) deps_.ai->cancel(setup_.id);
  end_ = EndInfo{std::move(result), std::move(reason)};
  draw_offer_.reset();
  ended_flag_.store(true, std::memory_order_release);
  busy_ = true;
  auto self = shared_from_this();
  // game_end waits for the record, so nobody is told of an end the journal could lose; if it cannot
  // be written the game is over all the same (in memory), and the players are told.
  deps_.journal->finish(setup_.id, end_->result, end_->reason,
                        [self](bool) { asio::post(self->strand_, [self] { self->on_end_durable(); }); });
}

void GameRoom::on_end_durable() {
  busy_ = false;
  // The hub's bookkeeping (ratings, the players' active games) comes first, so that whatever a player
  // asks after seeing game_end already sees the game over.
  if (deps_.on_ended) deps_.on_ended(shared_from_this());
  broadcast(make_message(write_game_end(setup_.id, *end_)), end_requester_, end_request_id_);
  end_requester_.reset();
  drain();
}

// ---- Connections ----

void GameRoom::attach(Color c, const ClientPtr& client) {
  Seat& s = seat(c);
  if (std::find(s.connections.begin(), s.connections.end(), client) == s.connections.end())
    s.connections.push_back(client);
  s.grace.cancel();
  // A player's tab gets the game as a player, not twice as a spectator too.
  if (auto it = std::find(spectators_.begin(), spectators_.end(), client); it != spectators_.end()) {
    spectators_.erase(it);
    spectators_changed();
    client->watching(setup_.id, false);
  }
}

void GameRoom::on_detach(const ClientPtr& client) {
  for (Color c : {Color::Red, Color::Black}) {
    auto& conns = seat(c).connections;
    auto it = std::find(conns.begin(), conns.end(), client);
    if (it == conns.end()) continue;
    conns.erase(it);
    if (conns.empty() && started_ && !end_) arm_grace(c);
  }
  if (auto it = std::find(spectators_.begin(), spectators_.end(), client); it != spectators_.end()) {
    spectators_.erase(it);
    spectators_changed();
  }
}

void GameRoom::arm_grace(Color c) {
  Seat& s = seat(c);
  s.grace.expires_after(deps_.config.reconnect_grace);
  s.grace.async_wait([self = shared_from_this(), c](boost::system::error_code ec) {
    if (ec) return;
    self->run_or_defer([self, c] {
      // A connection that came back after the timer had already fired cancels nothing: check.
      if (self->end_ || !self->seat(c).connections.empty()) return;
      self->end_game(win_result(~c), "abandoned");
    });
  });
}

// ---- The AI seat ----

void GameRoom::request_ai_move() {
  if (!deps_.ai) return;  // no AI plugged in: its clock runs out
  const Color side = side_to_move();
  const int level = std::get<AiSeat>(setup_.player(side)).level;
  const auto budget = ai_budget(clock_.remaining(side, Clock::now()), clock_.increment());
  const int ply = static_cast<int>(moves_.size());
  // The worker thread holds no strong reference, so the room is never destroyed there. (The AiPlayer
  // must stop calling back before the io_context is destroyed.)
  std::weak_ptr<GameRoom> weak = shared_from_this();
  deps_.ai->request_move(setup_.id, setup_.fen, moves_, level, budget, [weak, strand = strand_, ply](std::string iccs) {
    asio::post(strand, [weak, ply, iccs = std::move(iccs)] {
      auto self = weak.lock();
      if (!self) return;
      self->run_or_defer([self, ply, iccs] { self->on_ai_move(ply, iccs); });
    });
  });
}

void GameRoom::on_ai_move(int ply, const std::string& iccs) {
  if (end_ || ply != static_cast<int>(moves_.size()) || !is_ai(setup_.player(side_to_move()))) return;
  const auto now = Clock::now();
  if (clock_.flagged(now)) return lose_on_time();
  // An unusable answer is dropped like a stale one: the AI's clock keeps running, so the game still ends.
  const Color mover = side_to_move();
  auto move = rules::parse_iccs(iccs);
  if (!move || game_.play(*move) != rules::PlayResult::Ok) return;
  accept_move(mover, rules::to_iccs(*move), nullptr, {}, now);
}

// ---- Sending ----

void GameRoom::spectators_changed() {
  spectator_count_.store(static_cast<int>(spectators_.size()), std::memory_order_relaxed);
  if (spectator_push_pending_) return;
  spectator_push_pending_ = true;
  spectator_timer_.expires_after(deps_.config.spectator_update);
  spectator_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    self->spectator_push_pending_ = false;
    if (!ec) self->push_spectator_count();
  });
}

void GameRoom::push_spectator_count() {
  const int count = static_cast<int>(spectators_.size());
  if (count == spectators_told_) return;
  spectators_told_ = count;
  broadcast(make_message(write_spectators(setup_.id, count)));
}

void GameRoom::broadcast(const Message& message, const ClientPtr& requester, std::string_view id) {
  // The one variant: the requester's copy echoes its id (a requester that is neither attached nor
  // watching, such as a player's fresh tab chatting, still gets its answer).
  Message answer = requester && !id.empty() ? make_message(append_id(*message, id)) : message;
  bool answered = !requester;
  for (const auto& s : seats_)
    for (const auto& conn : s.connections) {
      const bool mine = conn == requester;
      answered |= mine;
      conn->send(mine ? answer : message, Audience::player);
    }
  answered |= send_spectators(message, requester, answer);
  if (!answered) requester->send(answer, Audience::player);
}

void GameRoom::send_seat(Color c, const Message& message) {
  for (const auto& conn : seat(c).connections) conn->send(message, Audience::player);
}

bool GameRoom::send_spectators(const Message& message, const ClientPtr& requester, const Message& answer) {
  bool answered = false;
  std::shared_ptr<WatcherChannel> channel;
  const Client* except = nullptr;
  for (const auto& conn : spectators_) {
    const bool mine = conn == requester;
    answered |= mine;
    if (auto c = conn->watcher_channel()) {  // one publish for them all, below
      channel = std::move(c);
      if (mine) {
        conn->send(answer, Audience::spectator);
        except = conn.get();
      }
      continue;
    }
    conn->send(mine ? answer : message, Audience::spectator);
  }
  // Every channel spectator shares its node's one channel object (there is one per node).
  if (channel) channel->publish(setup_.id, message, except);
  return answered;
}

Clocks GameRoom::clocks_now(Clock::time_point now) const {
  return Clocks{clock_.remaining(Color::Red, now).count(), clock_.remaining(Color::Black, now).count()};
}

Color GameRoom::mover_at(std::size_t ply) const {
  return ply % 2 == 0 ? first_mover_ : ~first_mover_;
}

Message GameRoom::move_message(std::size_t ply) const {
  const MoveRecord& r = records_[ply];
  return make_message(write_move(setup_.id, static_cast<int>(ply), moves_[ply], r.fen, r.clocks, r.check));
}

std::string GameRoom::state_json(std::optional<Color> color) const {
  GameView view{
      setup_,     moves_, clocks_now(Clock::now()), end_ ? &*end_ : nullptr, static_cast<int>(spectators_.size()),
      draw_offer_};
  return write_state(view, color);
}

}  // namespace chuhe::rooms
