# scheduler_calendar: the scheduler's pure parts for the school year: the calendar (term
# dates, bank holidays, school days; read from YAML), visit planning, and the iCalendar
# export of a partner's visits. Included by CMakeLists.txt in this directory.
set(scheduler_calendar_yaml ${CMAKE_CURRENT_SOURCE_DIR}/calendar/norfolk-2013-14.yaml)
set(scheduler_calendar_embed ${PROJECT_SOURCE_DIR}/services/categoriser/embed.cmake)
set(scheduler_calendar_c ${CMAKE_CURRENT_BINARY_DIR}/calendar_norfolk_2014.c)
add_custom_command(
  OUTPUT ${scheduler_calendar_c}
  COMMAND ${CMAKE_COMMAND} -DINPUT=${scheduler_calendar_yaml} -DOUTPUT=${scheduler_calendar_c}
          -DNAME=calendar_yaml_norfolk_2014 -P ${scheduler_calendar_embed}
  DEPENDS ${scheduler_calendar_yaml} ${scheduler_calendar_embed}
  COMMENT "embedding the Norfolk 2013/14 school calendar")

add_library(scheduler_calendar STATIC calendar.c calendar_yaml.c visits.c ical.c
  ${scheduler_calendar_c})
target_include_directories(scheduler_calendar PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(scheduler_calendar PUBLIC n2gg_pure n2gg_yaml PkgConfig::ICAL)
install(FILES ${scheduler_calendar_yaml} DESTINATION share/n2gg/calendar)
