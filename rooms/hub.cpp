#include "rooms/hub.h"

#include <algorithm>
#include <boost/asio/post.hpp>

#include "rooms/game_events.h"
#include "rooms/protocol_out.h"

namespace chuhe::rooms {

namespace asio = boost::asio;

namespace {

long long now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The game a request is about, for the requests that name one.
const std::string* game_of(const ClientIn& message) {
  return std::visit(
      [](const auto& m) -> const std::string* {
        if constexpr (requires { m.game; }) return &m.game;
        return nullptr;
      },
      message);
}

void erase_value(std::vector<std::string>& v, const std::string& value) {
  v.erase(std::remove(v.begin(), v.end(), value), v.end());
}

}  // namespace

Hub::Hub(asio::any_io_executor io, RoomsConfig config, std::shared_ptr<Journal> journal, std::shared_ptr<AiPlayer> ai)
    : io_(std::move(io)),
      config_(config),
      journal_(std::move(journal)),
      ai_(std::move(ai)),
      tick_strand_(asio::make_strand(io_)),
      tick_timer_(tick_strand_),
      rng_(std::random_device{}()) {}

Hub::~Hub() = default;

void Hub::start() {
  asio::post(tick_strand_, [self = shared_from_this()] { self->arm_tick(); });
}

void Hub::stop() {
  stopped_ = true;
  asio::post(tick_strand_, [self = shared_from_this()] { self->tick_timer_.cancel(); });
  std::vector<std::shared_ptr<GameRoom>> rooms;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, room] : games_) rooms.push_back(room);
  }
  for (const auto& room : rooms) room->shutdown();
}

// ---- Connections ----

void Hub::on_connect(const std::shared_ptr<Client>& client) {
  std::vector<std::string> games;
  std::shared_ptr<RemoteRouter> router;
  {
    std::lock_guard lock(mutex_);
    by_user_[client->user().id].push_back(client);
    connections_.try_emplace(client.get());
    if (auto it = active_.find(client->user().id); it != active_.end()) games = it->second;
    router = router_;
  }
  if (router)  // cluster mode: the user's games on other nodes too
    for (auto& game : router->games_of(client->user().id))
      if (std::find(games.begin(), games.end(), game) == games.end()) games.push_back(std::move(game));
  std::string welcome = write_welcome(client->user(), now_ms());
  if (!games.empty()) {
    // Extension: the games this user plays now, so a reloaded client knows what to `resume`.
    welcome.pop_back();
    welcome += ",\"games\":[";
    for (std::size_t i = 0; i < games.size(); ++i) welcome += (i ? ",\"" : "\"") + games[i] + "\"";
    welcome += "]}";
  }
  client->send(make_message(std::move(welcome)), Audience::player);
}

void Hub::on_disconnect(const std::shared_ptr<Client>& client) {
  std::vector<std::shared_ptr<GameRoom>> rooms;
  std::shared_ptr<RemoteRouter> router;
  {
    std::lock_guard lock(mutex_);
    router = router_;
    lobby_.cancel(client.get());
    if (auto it = by_user_.find(client->user().id); it != by_user_.end()) {
      auto& conns = it->second;
      conns.erase(std::remove(conns.begin(), conns.end(), client), conns.end());
      if (conns.empty()) by_user_.erase(it);
    }
    auto node = connections_.extract(client.get());
    if (!node.empty()) {
      for (const auto* set : {&node.mapped().watched, &node.mapped().played})
        for (const auto& game : *set)
          if (auto g = games_.find(game); g != games_.end()) rooms.push_back(g->second);
    }
  }
  for (const auto& room : rooms) room->detach(client);
  if (router) router->disconnected(client);
}

// ---- Requests ----

void Hub::on_message(const std::shared_ptr<Client>& client, ClientRequest request) {
  const auto received = Clock::now();  // a move's clock is charged up to here, not to our queueing
  if (const auto* seek = std::get_if<in::Seek>(&request.message)) return on_seek(client, *seek, request.id);
  if (std::holds_alternative<in::CancelSeek>(request.message)) {
    std::shared_ptr<RemoteRouter> router;
    {
      std::lock_guard lock(mutex_);
      lobby_.cancel(client.get());
      router = router_;
    }
    if (router) router->cancel_seek(client);
    return;
  }
  if (const auto* challenge = std::get_if<in::ChallengeAi>(&request.message))
    return on_challenge_ai(client, *challenge, request.id);
  if (const std::string* game = game_of(request.message)) {
    std::string id = *game;  // the request moves on; keep the name
    return on_game_request(client, std::move(request), id, received);
  }
  // ping is answered by net; nothing else is left.
}

void Hub::on_seek(const std::shared_ptr<Client>& client, const in::Seek& seek, const std::string& id) {
  if (seek.rated && client->user().guest) {
    // A guest has no lasting rating to put at stake; its casual seeks are welcome.
    client->send(make_message(write_error("bad_request", "guests cannot play rated games: register to play rated", id)),
                 Audience::player);
    return;
  }
  std::optional<Pairing> pairing;
  std::shared_ptr<RemoteRouter> router;
  {
    std::lock_guard lock(mutex_);
    router = router_;
    const auto now = Clock::now();
    if (!router) pairing = lobby_.add(Seek{client, seek.tc, seek.rated, now}, now);
  }
  if (router) {  // cluster mode: the shared lobby pairs seeks of every node
    client->send(make_message(append_id(write_seeking(seek.tc), id)), Audience::player);
    router->seek(client, seek);
    return;
  }
  // Always the direct answer first, even when an opponent was waiting: game_start follows.
  client->send(make_message(append_id(write_seeking(seek.tc), id)), Audience::player);
  if (pairing) start_pairing(*pairing);
}

void Hub::on_challenge_ai(const std::shared_ptr<Client>& client, const in::ChallengeAi& challenge,
                          const std::string& id) {
  if (!ai_) {
    client->send(make_message(write_error("unavailable", "no AI opponent on this server", id)), Audience::player);
    return;
  }
  GameSetup setup;
  setup.tc = challenge.tc.value_or(config_.default_ai_tc);
  bool human_red = challenge.color == ColorChoice::red;
  if (challenge.color == ColorChoice::random) {
    std::lock_guard lock(mutex_);
    human_red = coin_flip();
  }
  (human_red ? setup.red : setup.black) = client->user();
  (human_red ? setup.black : setup.red) = AiSeat{challenge.level};
  create_game(std::move(setup), client, id);
}

void Hub::on_game_request(const std::shared_ptr<Client>& client, ClientRequest request, const std::string& game,
                          Clock::time_point received) {
  std::shared_ptr<GameRoom> room;
  std::shared_ptr<RemoteRouter> router;
  std::string refusal;
  {
    std::lock_guard lock(mutex_);
    router = router_;
    if (auto it = games_.find(game); it != games_.end()) room = it->second;
    auto conn = connections_.find(client.get());
    if (room && conn != connections_.end()) {
      const bool player = room->seat_of(client->user().id).has_value();
      if (player) {
        conn->second.played.insert(game);
      } else if (std::holds_alternative<in::Watch>(request.message) && !conn->second.watched.count(game)) {
        auto& watched = conn->second.watched;
        if (watched.size() >= config_.max_watched_games) {
          // Games dropped since they were watched no longer count.
          std::erase_if(watched, [this](const std::string& g) { return !games_.count(g); });
        }
        if (watched.size() >= config_.max_watched_games)
          refusal = "watching too many games (at most " + std::to_string(config_.max_watched_games) + ")";
        else
          watched.insert(game);
      } else if (std::holds_alternative<in::Unwatch>(request.message)) {
        conn->second.watched.erase(game);
      }
    }
  }
  if (!room) {
    if (router && router->route(client, request, game)) return;  // another node's game
    client->send(make_message(write_error("not_found", "no such game", request.id)), Audience::player);
    return;
  }
  if (!refusal.empty()) {
    client->send(make_message(write_error("rate_limited", refusal, request.id)), Audience::player);
    return;
  }
  room->handle(client, std::move(request), received);
}

// ---- Games ----

GameRoom::Deps Hub::room_deps() {
  std::weak_ptr<Hub> weak = weak_from_this();
  return GameRoom::Deps{journal_, ai_, config_, [weak](const std::shared_ptr<GameRoom>& room) {
                          if (auto hub = weak.lock()) hub->game_ended(room);
                        }};
}

std::size_t Hub::recover(std::vector<RecoveredGame> games) {
  std::vector<std::pair<std::shared_ptr<GameRoom>, std::vector<GameRoom::JournaledMove>>> rooms;
  {
    std::lock_guard lock(mutex_);
    for (auto& g : games) {
      std::shared_ptr<GameRoom> room;
      try {
        room = GameRoom::create(io_, g.setup, room_deps());
      } catch (const std::invalid_argument&) {
        continue;  // an initial position this version refuses: left in the journal as it is
      }
      if (!games_.emplace(g.setup.id, room).second) continue;
      for (rules::Color c : {rules::Color::Red, rules::Color::Black})
        if (const auto* user = std::get_if<User>(&g.setup.player(c))) active_[user->id].push_back(g.setup.id);
      rooms.emplace_back(std::move(room), std::move(g.moves));
    }
  }
  for (auto& [room, moves] : rooms) room->recover(std::move(moves));
  return rooms.size();
}

void Hub::create_game(GameSetup setup, const std::shared_ptr<Client>& requester, const std::string& request_id,
                      std::vector<std::shared_ptr<Client>> remote_red,
                      std::vector<std::shared_ptr<Client>> remote_black) {
  GameRoom::Deps deps = room_deps();
  std::vector<std::shared_ptr<Client>> seats[2];
  std::shared_ptr<GameRoom> room;
  {
    std::lock_guard lock(mutex_);
    setup.id = new_game_id();
    room = GameRoom::create(io_, setup, deps);
    games_.emplace(setup.id, room);
    for (rules::Color c : {rules::Color::Red, rules::Color::Black}) {
      const auto* user = std::get_if<User>(&setup.player(c));
      if (!user) continue;
      active_[user->id].push_back(setup.id);
      // Every live tab of the player gets the game (as on lichess): they all show what the player plays.
      if (auto it = by_user_.find(user->id); it != by_user_.end()) {
        for (const auto& conn : it->second) {
          seats[static_cast<int>(c)].push_back(conn);
          connections_[conn.get()].played.insert(setup.id);
        }
      }
      for (auto& conn : c == rules::Color::Red ? remote_red : remote_black) {
        connections_[conn.get()].played.insert(setup.id);
        seats[static_cast<int>(c)].push_back(std::move(conn));
      }
    }
  }
  room->start(std::move(seats[0]), std::move(seats[1]), requester, request_id);
}

void Hub::start_pairing(const Pairing& pairing) {
  GameSetup setup;
  setup.tc = pairing.first.tc;
  setup.rated = pairing.first.rated;
  bool first_red;
  {
    std::lock_guard lock(mutex_);
    first_red = coin_flip();
  }
  setup.red = (first_red ? pairing.first : pairing.second).client->user();
  setup.black = (first_red ? pairing.second : pairing.first).client->user();
  create_game(std::move(setup), nullptr, {});
}

void Hub::set_remote_router(std::shared_ptr<RemoteRouter> router) {
  std::lock_guard lock(mutex_);
  router_ = std::move(router);
}

void Hub::register_remote(const std::shared_ptr<Client>& client) {
  std::lock_guard lock(mutex_);
  connections_.try_emplace(client.get());
}

void Hub::create_paired_game(GameSetup setup, std::vector<std::shared_ptr<Client>> red_remote,
                             std::vector<std::shared_ptr<Client>> black_remote) {
  create_game(std::move(setup), nullptr, {}, std::move(red_remote), std::move(black_remote));
}

void Hub::resume_for_players(const std::string& game, const std::vector<std::string>& user_ids) {
  std::vector<std::shared_ptr<Client>> conns;
  {
    std::lock_guard lock(mutex_);
    for (const auto& user : user_ids)
      if (auto it = by_user_.find(user); it != by_user_.end()) conns.insert(conns.end(), it->second.begin(), it->second.end());
  }
  for (const auto& conn : conns) on_message(conn, ClientRequest{in::Resume{game}, {}});
}

void Hub::drop_game(const std::string& id) {
  std::shared_ptr<GameRoom> room;
  {
    std::lock_guard lock(mutex_);
    auto it = games_.find(id);
    if (it == games_.end()) return;
    room = std::move(it->second);
    games_.erase(it);
    for (rules::Color c : {rules::Color::Red, rules::Color::Black}) {
      const auto* user = std::get_if<User>(&room->setup().player(c));
      if (!user) continue;
      if (auto a = active_.find(user->id); a != active_.end()) {
        erase_value(a->second, id);
        if (a->second.empty()) active_.erase(a);
      }
    }
  }
  room->shutdown();
}

void Hub::game_ended(const std::shared_ptr<GameRoom>& room) {
  if (game_ended_hook_ && room->end_info()) game_ended_hook_(room->setup(), *room->end_info());
  std::lock_guard lock(mutex_);
  for (rules::Color c : {rules::Color::Red, rules::Color::Black}) {
    const auto* user = std::get_if<User>(&room->setup().player(c));
    if (!user) continue;
    if (auto it = active_.find(user->id); it != active_.end()) {
      erase_value(it->second, room->id());
      if (it->second.empty()) active_.erase(it);
    }
  }
  expiring_.emplace_back(Clock::now() + config_.finished_retention, room->id());
}

void Hub::arm_tick() {
  if (stopped_) return;
  tick_timer_.expires_after(config_.lobby_tick);
  tick_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self) return;
    self->tick();
    self->arm_tick();
  });
}

void Hub::tick() {
  std::vector<Pairing> pairings;
  std::shared_ptr<RemoteRouter> router;
  {
    std::lock_guard lock(mutex_);
    router = router_;
    const auto now = Clock::now();
    pairings = lobby_.tick(now);
    while (!expiring_.empty() && expiring_.front().first <= now) {
      games_.erase(expiring_.front().second);
      expiring_.pop_front();
    }
  }
  for (const auto& pairing : pairings) start_pairing(pairing);
  if (router) router->tick();
}

std::string Hub::new_game_id() {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::uniform_int_distribution<int> pick(0, 61);
  for (;;) {
    std::string id(8, '0');
    for (char& ch : id) ch = kAlphabet[pick(rng_)];
    if (!games_.count(id)) return id;
  }
}

bool Hub::coin_flip() {
  return (rng_() & 1) != 0;
}

// ---- Queries ----

std::string Hub::live_games_json() const {
  std::vector<std::shared_ptr<GameRoom>> live;
  std::size_t online = 0;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, room] : games_)
      if (!room->ended()) live.push_back(room);
    online = by_user_.size();
  }
  // The counts move while we read them; a listing is a snapshot anyway.
  std::vector<std::pair<int, std::shared_ptr<GameRoom>>> ranked;
  ranked.reserve(live.size());
  for (auto& room : live) ranked.emplace_back(room->spectator_count(), std::move(room));
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  if (ranked.size() > config_.live_games_listed) ranked.resize(config_.live_games_listed);
  std::string out = R"({"games":[)";
  for (std::size_t i = 0; i < ranked.size(); ++i) {
    const GameRoom& room = *ranked[i].second;
    if (i) out += ',';
    out += R"({"game":")" + room.id() + R"(","red":)" + player_json(room.setup().red) + R"(,"black":)" +
           player_json(room.setup().black) + R"(,"tc":")" + room.setup().tc.text() + R"(","moves":)" +
           std::to_string(room.moves_played()) + R"(,"spectators":)" + std::to_string(ranked[i].first) + "}";
  }
  out += R"(],"online":)" + std::to_string(online) + "}";
  return out;
}

std::shared_ptr<GameRoom> Hub::find_game(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = games_.find(id);
  return it == games_.end() ? nullptr : it->second;
}

std::size_t Hub::online_users() const {
  std::lock_guard lock(mutex_);
  return by_user_.size();
}

std::size_t Hub::connection_count() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

std::size_t Hub::game_count() const {
  std::lock_guard lock(mutex_);
  return games_.size();
}

std::size_t Hub::seek_count() const {
  std::lock_guard lock(mutex_);
  return lobby_.size();
}

std::vector<std::string> Hub::active_games(const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  auto it = active_.find(user_id);
  return it == active_.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace chuhe::rooms
