# n2gg-notifier: the service itself, the I/O shell around the pure parts above.
add_executable(n2gg-notifier main.c notifier_store.c notices.c apply.c mi_sheets.c digest.c
  sender.c handlers.c unsent.c)
target_link_libraries(n2gg-notifier PRIVATE notifier_notice notifier_delivery n2gg_common)
install(TARGETS n2gg-notifier RUNTIME DESTINATION bin COMPONENT notifier)
