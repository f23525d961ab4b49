#include "bench/loadbots/bot.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "rules/notation.h"

namespace loadbots {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::shared_ptr<GameTrack> Shared::track(const std::string& game) {
  std::lock_guard lock(mutex);
  auto& t = games[game];
  if (!t) t = std::make_shared<GameTrack>();
  return t;
}

std::optional<std::string> Shared::random_live_game(std::mt19937& rng) {
  std::lock_guard lock(mutex);
  if (live_games.empty()) return std::nullopt;
  return live_games[std::uniform_int_distribution<std::size_t>(0, live_games.size() - 1)(rng)];
}

Bot::Bot(asio::io_context& ioc, Shared& shared, Role role, unsigned short port)
    : ioc_(ioc), shared_(shared), role_(role), port_(port), rng_(std::random_device{}()), timer_(ioc) {}

void Bot::start() { sign_in(); }

void Bot::stop() {
  stopped_ = true;
  timer_.cancel();
  if (ws_) {
    beast::error_code ignored;
    beast::get_lowest_layer(*ws_).socket().close(ignored);
  }
}

void Bot::fail(const char* what) {
  if (stopped_) return;
  shared_.stats->errors++;
  if (std::string_view(what) == "connect") shared_.stats->connect_failures++;
  else if (open_) shared_.stats->closed_early++;
  if (open_) shared_.stats->connections--;
  open_ = false;
}

// POST /api/auth/guest on its own short connection.
void Bot::sign_in() {
  struct Call {
    beast::tcp_stream stream;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
    beast::flat_buffer buffer;
  };
  auto call = std::make_shared<Call>(Call{beast::tcp_stream(ioc_), {http::verb::post, "/api/auth/guest", 11}, {}, {}});
  call->req.set(http::field::host, "127.0.0.1");
  call->req.set(http::field::content_type, "application/json");
  call->req.body() = "{}";
  call->req.prepare_payload();
  call->stream.expires_after(std::chrono::seconds(30));
  auto self = shared_from_this();
  call->stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), self->port_),
                             [self, call](beast::error_code ec) {
    if (ec) return self->fail("connect");
    http::async_write(call->stream, call->req, [self, call](beast::error_code ec, std::size_t) {
      if (ec) return self->fail("connect");
      http::async_read(call->stream, call->buffer, call->res, [self, call](beast::error_code ec, std::size_t) {
        if (ec || call->res.result_int() != 200) return self->fail("connect");
        json body = json::parse(call->res.body(), nullptr, false);
        beast::error_code ignored;
        call->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        if (!body.is_object() || !body.contains("token")) return self->fail("connect");
        self->open_socket(body["token"].get<std::string>());
      });
    });
  });
}

void Bot::open_socket(std::string token) {
  ws_.emplace(ioc_);
  auto self = shared_from_this();
  auto& lowest = beast::get_lowest_layer(*ws_);
  lowest.expires_after(std::chrono::seconds(30));
  lowest.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), self->port_),
                       [self, token](beast::error_code ec) {
    if (ec) return self->fail("connect");
    self->ws_->async_handshake("127.0.0.1", "/ws?token=" + token, [self](beast::error_code ec) {
      if (ec) return self->fail("connect");
      beast::get_lowest_layer(*self->ws_).expires_never();
      self->open_ = true;
      self->shared_.stats->connected();
      self->do_read();
      if (self->role_ == Role::player) self->seek_again();
      else if (self->role_ == Role::ai_player) self->seek_again();
      else self->watch_something();
    });
  });
}

void Bot::do_read() {
  auto self = shared_from_this();
  ws_->async_read(buffer_, [self](beast::error_code ec, std::size_t) {
    if (ec) return self->fail("read");
    std::string text = beast::buffers_to_string(self->buffer_.data());
    self->buffer_.consume(self->buffer_.size());
    self->on_message(text);
    self->do_read();
  });
}

void Bot::on_message(const std::string& text) {
  json msg = json::parse(text, nullptr, false);
  if (!msg.is_object()) return;
  std::string t = msg.value("t", "");
  if (t == "game_start") {
    on_game_start(msg.value("game", ""), msg.value("color", ""), msg.value("fen", ""));
  } else if (t == "move") {
    if (role_ == Role::spectator) shared_.stats->spectator_events++;
    else on_move(msg.value("game", ""), msg.value("ply", -1L), msg.value("move", ""));
  } else if (t == "game_end") {
    on_game_end(msg.value("game", ""));
  } else if (t == "error") {
    shared_.stats->errors++;
    shared_.stats->error_messages++;
  }
}

void Bot::on_game_start(const std::string& game, const std::string& color, const std::string& fen) {
  game_id_ = game;
  my_color_ = color == "black" ? chuhe::rules::Color::Black : chuhe::rules::Color::Red;
  game_.reset(fen);
  track_ = shared_.track(game);
  track_->port[my_color_ == chuhe::rules::Color::Red ? 0 : 1] = port_;
  if (role_ == Role::player && my_color_ == chuhe::rules::Color::Red) {
    shared_.stats->games_started++;
    if (shared_.owner_port)
      shared_.owner_port(game, [track = track_](unsigned short owner) { track->owner = owner; });
    std::lock_guard lock(shared_.mutex);
    shared_.live_games.push_back(game);
  }
  play_if_my_turn();
}

void Bot::on_move(const std::string& game, long ply, const std::string& move) {
  if (game != game_id_ || ply != game_.ply()) return;  // an echo already applied, or another game
  bool theirs = game_.position().side_to_move() != my_color_;
  if (game_.play_iccs(move) != chuhe::rules::PlayResult::Ok) return;
  if (theirs && role_ == Role::player && track_ && static_cast<std::size_t>(ply) < track_->sent.size()) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - track_->sent[ply]).count();
    const unsigned short mover = track_->port[my_color_ == chuhe::rules::Color::Red ? 1 : 0];
    const int hops = track_->owner == 0 ? -1 : (mover != track_->owner) + (port_ != track_->owner);
    shared_.stats->add_latency_us(us, mover == port_, hops);
    shared_.stats->moves_relayed++;
  }
  play_if_my_turn();
}

void Bot::on_game_end(const std::string& game) {
  if (role_ == Role::spectator) return after(std::chrono::milliseconds(200), [this] { watch_something(); });
  if (game != game_id_) return;
  if (role_ == Role::player && my_color_ == chuhe::rules::Color::Red) {
    std::lock_guard lock(shared_.mutex);
    std::erase(shared_.live_games, game);
    shared_.games.erase(game);
  }
  game_id_.clear();
  after(std::chrono::milliseconds(100), [this] { seek_again(); });
}

void Bot::after(std::chrono::milliseconds delay, std::function<void()> then) {
  timer_.expires_after(delay);
  timer_.async_wait([self = shared_from_this(), then = std::move(then)](beast::error_code ec) {
    if (!ec && !self->stopped_ && self->open_) then();
  });
}

void Bot::play_if_my_turn() {
  if (game_id_.empty() || game_.is_over() || game_.position().side_to_move() != my_color_) return;
  after(shared_.pace, [this] {
    if (game_id_.empty() || game_.is_over() || game_.position().side_to_move() != my_color_) return;
    chuhe::rules::MoveList moves;
    game_.legal_moves(moves);
    if (moves.size() == 0) return;
    auto m = moves[std::uniform_int_distribution<int>(0, moves.size() - 1)(rng_)];
    auto ply = static_cast<std::size_t>(game_.ply());
    if (track_) {
      if (track_->sent.size() <= ply) track_->sent.resize(ply + 1);
      track_->sent[ply] = Clock::now();
    }
    json msg = {{"t", "move"}, {"game", game_id_}, {"move", chuhe::rules::to_iccs(m)}, {"ply", ply}};
    send(msg.dump());
  });
}

void Bot::seek_again() {
  if (role_ == Role::ai_player) {
    send(json({{"t", "challenge_ai"}, {"level", shared_.ai_level}, {"color", "random"}, {"tc", shared_.tc}}).dump());
  } else {
    send(json({{"t", "seek"}, {"tc", shared_.tc}}).dump());
  }
}

void Bot::watch_something() {
  auto game = shared_.random_live_game(rng_);
  if (!game) return after(std::chrono::milliseconds(500), [this] { watch_something(); });
  send(json({{"t", "watch"}, {"game", *game}}).dump());
}

void Bot::send(std::string text) {
  out_.push_back(std::move(text));
  if (!writing_) do_write();
}

void Bot::do_write() {
  writing_ = true;
  ws_->text(true);
  ws_->async_write(asio::buffer(out_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->writing_ = false;
    self->out_.pop_front();
    if (ec) return self->fail("write");
    if (!self->out_.empty()) self->do_write();
  });
}

}  // namespace loadbots
