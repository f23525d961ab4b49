#pragma once
// One game as an authoritative state machine. Everything a game does runs on its own strand, so game
// state needs no lock; the public entry points only post onto it (and are safe from any thread).
//
// Life of a move: a request is checked in the protocol's error order (not_in_game, game_over,
// not_your_turn, stale_ply, illegal_move), played on the rules::Game and handed to the Journal; the room
// is then "busy": requests that arrive are queued, in order, until the journal answers. Only then is the
// move broadcast (one buffer for every recipient; the requester's copy carries its id) and the next
// side's clock started. Game start and game end go through the journal the same way.
#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rooms/ai_player.h"
#include "rooms/chat_limiter.h"
#include "rooms/client.h"
#include "rooms/game_clock.h"
#include "rooms/game_events.h"
#include "rooms/game_setup.h"
#include "rooms/journal.h"
#include "rooms/protocol_in.h"
#include "rooms/rooms_config.h"
#include "rules/game.h"

namespace chuhe::rooms {

class GameRoom : public std::enable_shared_from_this<GameRoom> {
 public:
  using Clock = std::chrono::steady_clock;
  using ClientPtr = std::shared_ptr<Client>;

  struct Deps {
    std::shared_ptr<Journal> journal;  // required
    std::shared_ptr<AiPlayer> ai;      // required when a seat is the AI (without it the AI only loses on time)
    RoomsConfig config;
    // Called once, on the room's strand, once the end is journaled and just before game_end is sent
    // (ended() is true by then).
    std::function<void(const std::shared_ptr<GameRoom>&)> on_ended;
  };

  // The room is idle until start(). Throws std::invalid_argument if setup.fen is not a legal position.
  static std::shared_ptr<GameRoom> create(boost::asio::any_io_executor io, GameSetup setup, Deps deps);

  // Records the start, then sends game_start to each seat's connections (the requester's copy with
  // `id`: the direct answer to challenge_ai) and starts the clock of the side to move. Call once.
  void start(std::vector<ClientPtr> red, std::vector<ClientPtr> black, ClientPtr requester = nullptr,
             std::string id = {});
  // One move of a game read back from the journal: the mover's clock after it, increment included.
  struct JournaledMove {
    std::string iccs;
    long long clock_ms = 0;
  };
  // Instead of start(), for a game that was in play when the server stopped: replays its journaled
  // moves, gives each side the time it had after its last move, and starts the side to move's clock
  // now, so the time the server was down is charged to nobody. Nobody is connected yet: each human
  // seat gets the reconnect grace to `resume`. Nothing is journaled again. Call once.
  void recover(std::vector<JournaledMove> moves);
  // A game request (watch, unwatch, move, resign/offer_draw/accept_draw/decline_draw/abort, chat,
  // resume) from `client`, `received` when the server read it: a move's time is charged up to then.
  void handle(ClientPtr client, ClientRequest request, Clock::time_point received = Clock::now());
  // The connection is gone: it stops receiving; a seat left with no connection starts its grace timer.
  void detach(ClientPtr client);
  // Server shutdown: cancels the room's timers (the game stays as it is in the journal).
  void shutdown();

  // Safe from any thread: fixed at creation, or atomics the strand keeps up to date.
  const std::string& id() const { return setup_.id; }
  const GameSetup& setup() const { return setup_; }
  std::optional<rules::Color> seat_of(std::string_view user_id) const;
  int moves_played() const { return move_count_.load(std::memory_order_relaxed); }
  int spectator_count() const { return spectator_count_.load(std::memory_order_relaxed); }
  bool ended() const { return ended_flag_.load(std::memory_order_acquire); }
  // How the game ended; null while it is in play. On the room's strand only (Deps::on_ended runs there).
  const EndInfo* end_info() const { return end_ ? &*end_ : nullptr; }

 private:
  struct Seat {
    Player player;
    std::vector<ClientPtr> connections;  // the player's live tabs that get its events
    boost::asio::steady_timer grace;     // runs while a human seat has no connection
  };
  struct MoveRecord {  // what a retried move's answer repeats
    std::string fen;
    Clocks clocks;
    bool check = false;
  };

  GameRoom(const boost::asio::any_io_executor& io, GameSetup setup, Deps deps);

  // ---- game_room.cpp: lifecycle, clocks, broadcast ----
  void run_or_defer(std::function<void()> work);
  void drain();
  void on_started(bool durable, const ClientPtr& requester, const std::string& id);
  void on_recover(const std::vector<JournaledMove>& moves);
  void begin_turn();
  void accept_move(rules::Color mover, const std::string& iccs, ClientPtr requester, std::string id,
                   Clock::time_point at);
  void on_move_durable(bool durable, rules::Color mover, const std::string& iccs, const ClientPtr& requester,
                       const std::string& id, const GameClock& before, Clock::time_point read_at);
  void arm_flag();
  void on_flag();
  void lose_on_time();
  // `requester`'s copy of game_end carries `id`: the direct answer to resign, accept_draw, abort.
  void end_game(std::string result, std::string reason, ClientPtr requester = nullptr, std::string id = {});
  void end_game(rules::GameResult result);
  void on_end_durable();
  void attach(rules::Color seat, const ClientPtr& client);
  void on_detach(const ClientPtr& client);
  void arm_grace(rules::Color seat);
  void request_ai_move();
  void on_ai_move(int ply, const std::string& iccs);
  // The spectator list changed: keep the count, and tell everyone at most once per
  // config.spectator_update (a crowd arriving costs one message each, not one per arrival).
  void spectators_changed();
  void push_spectator_count();
  void broadcast(const Message& message, const ClientPtr& requester = nullptr, std::string_view id = {});
  void send_seat(rules::Color seat, const Message& message);
  // To every spectator (those of other nodes through their game channel, once); `requester`, if one of
  // them, gets `answer` instead. Returns whether it was one of them.
  bool send_spectators(const Message& message, const ClientPtr& requester = nullptr, const Message& answer = nullptr);
  Clocks clocks_now(Clock::time_point now) const;
  rules::Color side_to_move() const { return game_.position().side_to_move(); }
  rules::Color mover_at(std::size_t ply) const;
  Message move_message(std::size_t ply) const;
  std::string state_json(std::optional<rules::Color> color) const;
  bool has_ai() const { return is_ai(setup_.red) || is_ai(setup_.black); }
  Seat& seat(rules::Color c) { return seats_[static_cast<int>(c)]; }

  // ---- game_requests.cpp: one handler per request ----
  void on_request(const ClientPtr& client, const ClientRequest& request, Clock::time_point received);
  void on_move(const ClientPtr& client, const in::Move& move, const std::string& id, Clock::time_point received);
  void on_action(const ClientPtr& client, GameAction action, const std::string& id);
  void offer_draw(rules::Color by, const ClientPtr& client, const std::string& id);
  void on_chat(const ClientPtr& client, const in::Chat& chat, const std::string& id, Clock::time_point received);
  void on_watch(const ClientPtr& client, const std::string& id);
  void on_unwatch(const ClientPtr& client);
  void on_resume(const ClientPtr& client, const std::string& id);
  void reply_error(const ClientPtr& client, std::string_view code, std::string_view message, const std::string& id,
                   Audience audience = Audience::player) const;
  bool is_spectator(const ClientPtr& client) const;

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  const GameSetup setup_;
  Deps deps_;
  rules::Game game_;
  rules::Color first_mover_;
  GameClock clock_;
  boost::asio::steady_timer flag_timer_;
  boost::asio::steady_timer spectator_timer_;
  bool spectator_push_pending_ = false;
  int spectators_told_ = 0;  // the count last sent (state carries it too)
  std::array<Seat, 2> seats_;
  std::vector<ClientPtr> spectators_;
  std::vector<std::string> moves_;   // ICCS of the durable, broadcast moves
  std::vector<MoveRecord> records_;  // parallel to moves_
  std::optional<EndInfo> end_;
  ClientPtr end_requester_;  // who ended the game by a request (until game_end is out)
  std::string end_request_id_;
  std::optional<rules::Color> draw_offer_;  // the side whose offer stands
  std::array<int, 2> offered_at_{-1, -1};   // moves played at each side's last offer: one offer per move
  bool started_ = false;
  bool busy_ = true;                            // a journal write is in flight (the start, until start())
  std::deque<std::function<void()>> deferred_;  // requests that arrived while busy, oldest first
  ChatLimiter chat_;

  std::atomic<int> move_count_{0};
  std::atomic<int> spectator_count_{0};
  std::atomic<bool> ended_flag_{false};
};

}  // namespace chuhe::rooms
