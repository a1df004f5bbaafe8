# notifier_delivery: idempotency keys, Message-IDs, backoff and verdicts (delivery), RFC 5322
# composition and checks (message), webhook signatures and login files (secret) — pure — and
# the channels that send (the I/O shell).
add_library(notifier_delivery STATIC delivery.c message.c secret.c channel.c
  channel_maildir.c channel_smtp.c channel_webhook.c)
target_include_directories(notifier_delivery PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(notifier_delivery PUBLIC n2gg_pure PkgConfig::CURL PkgConfig::NETTLE)

# One notice through one channel with retries, for the integration tests and manual trials.
add_executable(n2gg-send-test send_test.c)
target_link_libraries(n2gg-send-test PRIVATE notifier_delivery)
