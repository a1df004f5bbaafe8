# The allocation solvers (pure: no I/O) and their command-line driver.
#   assign: partners to schools, exact min-cost flow (successive shortest paths)
#   cep:    Cluster Education Partners to clusters, a MIP solved with GLPK
add_library(scheduler_solver STATIC assign.c cep.c)
target_include_directories(scheduler_solver PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(scheduler_solver PUBLIC n2gg_pure n2gg_glpk m)

# Reads an instance in the text format of assign_tool.c on stdin, solves it, prints the result.
add_executable(n2gg-assign-tool assign_tool.c)
target_link_libraries(n2gg-assign-tool PRIVATE scheduler_solver)
install(TARGETS n2gg-assign-tool RUNTIME DESTINATION bin)
