#pragma once
// The WebSocket session over boost::beast::test::stream, for tests that drive it without sockets.
// Instantiated once, in websocket_session.cpp.
#include <boost/beast/_experimental/test/stream.hpp>

#include "net/websocket_session.h"

namespace chuhe::net {

using TestWebSocketSession = BasicWebSocketSession<boost::beast::test::stream>;
extern template class BasicWebSocketSession<boost::beast::test::stream>;

}  // namespace chuhe::net
