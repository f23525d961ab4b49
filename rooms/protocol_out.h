#pragma once
// Server -> client messages that do not belong to one game (games write their own events).
#include <string>
#include <string_view>

#include "rooms/client.h"

namespace chuhe::rooms {

// {"t":"error","code":...,"message":...,"id":...}; `id` is JSON text or empty.
std::string write_error(std::string_view code, std::string_view message, std::string_view id = {});
std::string write_pong(std::string_view id = {});
std::string write_welcome(const User& user, long long server_time_ms);
std::string user_json(const User& user);  // {"id","name","guest","rating"}

}  // namespace chuhe::rooms
