#include "rooms/protocol_out.h"

#include "rooms/metrics.h"

#include <nlohmann/json.hpp>

namespace chuhe::rooms {

using json = nlohmann::json;

namespace {
// Appends ,"id":<id> before the closing brace of a serialized object.
std::string with_id(std::string text, std::string_view id) {
  if (id.empty()) return text;
  text.pop_back();
  text += ",\"id\":";
  text += id;
  text += '}';
  return text;
}
json user_object(const User& user) {
  return {{"id", user.id}, {"name", user.name}, {"guest", user.guest}, {"rating", user.rating}};
}
}  // namespace

std::string write_error(std::string_view code, std::string_view message, std::string_view id) {
  metrics::count_refusal(code);  // every refusal is written here, by net/ and rooms/ alike
  json msg = {{"t", "error"}, {"code", code}, {"message", message}};
  return with_id(msg.dump(-1, ' ', false, json::error_handler_t::replace), id);
}

std::string write_pong(std::string_view id) { return with_id(R"({"t":"pong"})", id); }

std::string write_welcome(const User& user, long long server_time_ms) {
  json msg = {{"t", "welcome"}, {"user", user_object(user)}, {"server_time", server_time_ms}};
  return msg.dump();
}

std::string user_json(const User& user) { return user_object(user).dump(); }

}  // namespace chuhe::rooms
