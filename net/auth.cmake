# chuhe_auth: tokens (JWT/HMAC on OpenSSL), password hashing (Argon2id), and the AuthService that the
# HTTP endpoints and the WebSocket upgrade call. Included from net/CMakeLists.txt; free of Beast.
find_package(PkgConfig REQUIRED)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json REQUIRED)

add_library(chuhe_auth STATIC
  ${CMAKE_CURRENT_LIST_DIR}/auth_rate_limit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/auth_secret.cpp
  ${CMAKE_CURRENT_LIST_DIR}/auth_service.cpp
  ${CMAKE_CURRENT_LIST_DIR}/auth_work_pool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/jwt.cpp
  ${CMAKE_CURRENT_LIST_DIR}/password.cpp)
target_include_directories(chuhe_auth PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(chuhe_auth
  PUBLIC chuhe_persistence chuhe_options Threads::Threads
  PRIVATE chuhe_warnings OpenSSL::Crypto PkgConfig::ARGON2 nlohmann_json::nlohmann_json)
