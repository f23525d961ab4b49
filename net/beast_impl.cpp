// The one translation unit that compiles Asio and Beast (separate compilation).
// Every other file sees only declarations, which keeps the 2-core build fast.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
