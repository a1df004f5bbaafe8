# notifier_notices: the notifier's pure parts about what a notice says and who it is for:
# the letter templates and MI sheets (numbering, checks, audiences, reminders, questionnaires
# and answers, and both as an officer writes them in a file).
add_library(notifier_notices STATIC ${CMAKE_CURRENT_LIST_DIR}/template.c
  ${CMAKE_CURRENT_LIST_DIR}/mi.c ${CMAKE_CURRENT_LIST_DIR}/mi_text.c)
target_include_directories(notifier_notices PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(notifier_notices PUBLIC n2gg_pure)
