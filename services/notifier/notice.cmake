# notifier_notice: what each kind of notice says — the catalogue of kinds, the JSON data a
# letter is rendered from, the template set and rendering (notice.c, notice_templates.c).
# The letters in templates/ are compiled in, so that the notifier sends them with no
# template directory installed; a directory of the same files replaces them.
set(notice_kinds category_letter allocation_letter visit_schedule mi_sheet mi_reminder digest
  visit_report mi_correction)
set(notice_builtin_sources)
foreach(kind ${notice_kinds})
  set(tmpl ${CMAKE_CURRENT_LIST_DIR}/templates/${kind}.tmpl)
  set(tmpl_c ${CMAKE_CURRENT_BINARY_DIR}/notice_builtin_${kind}.c)
  add_custom_command(
    OUTPUT ${tmpl_c}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${tmpl} -DOUTPUT=${tmpl_c} -DNAME=notice_builtin_${kind}
            -P ${PROJECT_SOURCE_DIR}/services/categoriser/embed.cmake
    DEPENDS ${tmpl} ${PROJECT_SOURCE_DIR}/services/categoriser/embed.cmake
    COMMENT "embedding the built-in ${kind} template")
  list(APPEND notice_builtin_sources ${tmpl_c})
endforeach()

add_library(notifier_notice STATIC ${CMAKE_CURRENT_LIST_DIR}/notice.c
  ${CMAKE_CURRENT_LIST_DIR}/notice_lint.c
  ${CMAKE_CURRENT_LIST_DIR}/notice_templates.c ${notice_builtin_sources})
target_include_directories(notifier_notice PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(notifier_notice PUBLIC notifier_notices n2gg_proto n2gg_pure
  PkgConfig::JANSSON)

install(DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/templates/ DESTINATION share/n2gg/templates
  COMPONENT notifier)
