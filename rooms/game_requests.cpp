// The requests a GameRoom answers, each checked in the protocol's order of errors (PROTOCOL.md):
// not_found is the Hub's; then not_in_game, game_over, not_your_turn, stale_ply, illegal_move.
#include <algorithm>

#include "rooms/game_room.h"
#include "rooms/protocol_out.h"
#include "rules/notation.h"

namespace chuhe::rooms {

using rules::Color;

namespace {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace

void GameRoom::reply_error(const ClientPtr& client, std::string_view code, std::string_view message,
                           const std::string& id, Audience audience) const {
  client->send(make_message(write_error(code, message, id)), audience);
}

bool GameRoom::is_spectator(const ClientPtr& client) const {
  return std::find(spectators_.begin(), spectators_.end(), client) != spectators_.end();
}

void GameRoom::on_request(const ClientPtr& client, const ClientRequest& request, Clock::time_point received) {
  // A flag that fell before this request arrived ends the game first (the timer may not have run yet).
  // Ending makes the room busy recording the end: the request is then answered after game_end is out.
  if (!end_ && clock_.flagged(received)) {
    lose_on_time();
    if (busy_) {
      deferred_.push_front(
          [self = shared_from_this(), client, request, received] { self->on_request(client, request, received); });
      return;
    }
  }
  const std::string& id = request.id;
  std::visit(Overloaded{
                 [&](const in::Move& m) { on_move(client, m, id, received); },
                 [&](const in::Action& a) { on_action(client, a.action, id); },
                 [&](const in::Chat& c) { on_chat(client, c, id, received); },
                 [&](const in::Watch&) { on_watch(client, id); },
                 [&](const in::Unwatch&) { on_unwatch(client); },
                 [&](const in::Resume&) { on_resume(client, id); },
                 // Lobby requests are the Hub's; it never routes them here.
                 [](const auto&) {},
             },
             request.message);
}

void GameRoom::on_move(const ClientPtr& client, const in::Move& req, const std::string& id,
                       Clock::time_point received) {
  const auto seat = seat_of(client->user().id);
  if (!seat) return reply_error(client, "not_in_game", "you do not play in this game", id);
  const auto move = rules::parse_iccs(req.move);
  const std::string iccs = move ? rules::to_iccs(*move) : std::string();
  // A retry of a move already accepted (its answer may have been lost) is answered with that move, even
  // after the game ended: it may be the move that ended it.
  if (move && req.ply >= 0 && static_cast<std::size_t>(req.ply) < moves_.size()) {
    const auto ply = static_cast<std::size_t>(req.ply);
    if (moves_[ply] == iccs && mover_at(ply) == *seat) {
      attach(*seat, client);
      return client->send(make_message(append_id(*move_message(ply), id)), Audience::player);
    }
  }
  if (end_) return reply_error(client, "game_over", "the game has ended", id);
  if (side_to_move() != *seat) return reply_error(client, "not_your_turn", "the other side is to move", id);
  if (req.ply != static_cast<long>(moves_.size()))
    return reply_error(client, "stale_ply", "ply must be " + std::to_string(moves_.size()), id);
  if (!move || game_.play(*move) != rules::PlayResult::Ok)
    return reply_error(client, "illegal_move", "'" + req.move + "' is not a legal move here", id);
  attach(*seat, client);
  accept_move(*seat, iccs, client, id, received);
}

void GameRoom::on_action(const ClientPtr& client, GameAction action, const std::string& id) {
  const auto seat = seat_of(client->user().id);
  if (!seat) return reply_error(client, "not_in_game", "you do not play in this game", id);
  if (end_) return reply_error(client, "game_over", "the game has ended", id);
  attach(*seat, client);
  const Color me = *seat;
  const std::string draw(rules::result_string(rules::Outcome::Draw));
  switch (action) {
    case GameAction::resign:
      return end_game(std::string(rules::result_string(rules::win_for(~me))), "resign", client, id);
    case GameAction::offer_draw:
      return offer_draw(me, client, id);
    case GameAction::accept_draw:
      if (draw_offer_ != ~me) return reply_error(client, "no_draw_offer", "your opponent has not offered a draw", id);
      return end_game(draw, "agreement", client, id);
    case GameAction::decline_draw:
      if (draw_offer_ != ~me) return reply_error(client, "no_draw_offer", "your opponent has not offered a draw", id);
      draw_offer_.reset();
      return broadcast(make_message(write_draw_declined(setup_.id, me)), client, id);
    case GameAction::abort:
      // Only before both sides have moved: until then nobody has committed to the game.
      if (moves_.size() >= 2) return reply_error(client, "cannot_abort", "both sides have moved; resign instead", id);
      return end_game("*", "aborted", client, id);
  }
}

// A request with an id gets the draw_offer itself (with the id) as its direct answer; otherwise the
// offerer's connections are not told of their own offer, so that no client mistakes it for the opponent's.
void GameRoom::offer_draw(Color by, const ClientPtr& client, const std::string& id) {
  const Color other = ~by;
  // Offering while the opponent's offer stands is agreeing to it.
  if (draw_offer_ == other)
    return end_game(std::string(rules::result_string(rules::Outcome::Draw)), "agreement", client, id);
  Message offer = make_message(write_draw_offer(setup_.id, by));
  auto acknowledge = [&] {
    if (!id.empty()) client->send(make_message(append_id(*offer, id)), Audience::player);
  };
  if (draw_offer_ == by) return acknowledge();  // already standing: not sent again
  // One offer per side per move, so that declining is not answered by a stream of offers.
  const int played = static_cast<int>(moves_.size());
  if (offered_at_[static_cast<int>(by)] == played)
    return reply_error(client, "rate_limited", "one draw offer per move", id);
  offered_at_[static_cast<int>(by)] = played;
  if (is_ai(setup_.player(other))) {
    // The AI plays every game out: it declines at once.
    Message declined = make_message(write_draw_declined(setup_.id, other));
    Message answer = make_message(append_id(*declined, id));
    for (const auto& conn : seat(by).connections) conn->send(conn == client ? answer : declined, Audience::player);
    return;
  }
  draw_offer_ = by;
  acknowledge();
  send_seat(other, offer);
  send_spectators(offer);
}

void GameRoom::on_chat(const ClientPtr& client, const in::Chat& chat, const std::string& id,
                       Clock::time_point received) {
  const User& from = client->user();
  const bool spectator = is_spectator(client);
  if (!seat_of(from.id) && !spectator) return reply_error(client, "not_in_game", "watch the game to chat in it", id);
  const Audience audience = spectator ? Audience::spectator : Audience::player;
  if (!chat_.allow(from.id, received)) return reply_error(client, "rate_limited", "too many chat lines", id, audience);
  broadcast(make_message(write_chat(setup_.id, from, chat.text)), client, id);
}

void GameRoom::on_watch(const ClientPtr& client, const std::string& id) {
  // A player who watches their own game gets it as a player.
  if (seat_of(client->user().id)) return on_resume(client, id);
  if (!is_spectator(client)) {
    spectators_.push_back(client);
    spectators_changed();
    client->watching(setup_.id, true);
  }
  client->send(make_message(append_id(state_json(std::nullopt), id)), Audience::spectator);
}

void GameRoom::on_unwatch(const ClientPtr& client) {
  auto it = std::find(spectators_.begin(), spectators_.end(), client);
  if (it == spectators_.end()) return;
  spectators_.erase(it);
  spectators_changed();
  client->watching(setup_.id, false);
}

void GameRoom::on_resume(const ClientPtr& client, const std::string& id) {
  const auto seat = seat_of(client->user().id);
  if (!seat) return reply_error(client, "not_in_game", "you do not play in this game; watch it instead", id);
  attach(*seat, client);
  client->send(make_message(append_id(state_json(*seat), id)), Audience::player);
}

}  // namespace chuhe::rooms
