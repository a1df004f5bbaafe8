# The Debian packages (CPack's DEB generator, one component each): n2gg-SERVICE for every
# service whose binary is built (its binary, unit, default config, maintainer scripts) and
# n2gg-cli (the `n2gg` command); each with what Debian's policy asks of every package, in
# /usr/share/doc/PACKAGE its copyright (DEP-5) and changelog, and a manual page for its
# command. Dependencies are computed from the binaries (dpkg-shlibdeps). Built by
# scripts/package into build-deb/; lintian checks them (integration.test_deploy_packages).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME n2gg)
set(CPACK_PACKAGE_VENDOR "Norfolk County Council")
set(CPACK_PACKAGE_CONTACT "N2GG operations <school.improvement@norfolk.gov.uk>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# one source, whose changelog (below) every package carries
set(CPACK_DEBIAN_PACKAGE_SOURCE n2gg)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://www.norfolk.gov.uk/")
set(CPACK_COMPONENTS_ALL ${N2GG_PACKAGED_SERVICES} cli)

set(CPACK_DEBIAN_CLI_PACKAGE_NAME n2gg-cli)
# (the extended description's lines are indented by CPack)
set(CPACK_COMPONENT_CLI_DESCRIPTION "N2GG command line (n2gg)
The command line of the N2GG services: imports, schools, clusters, LA
categories and their overrides, improvement partners and their visits, letters
and MI sheets, and the CURVE certificates of services and people.")
foreach(service ${N2GG_PACKAGED_SERVICES})
  string(TOUPPER ${service} C)
  set(CPACK_DEBIAN_${C}_PACKAGE_NAME n2gg-${service})
  set(CPACK_COMPONENT_${C}_DESCRIPTION "N2GG ${service}: ${N2GG_DEPLOY_${service}_SUMMARY}
The N2GG ${service} service (n2gg-${service}) of a Local Authority's
school-improvement programme, with its systemd unit and its default
configuration in /etc/n2gg/${service}.conf. Its store is
/var/lib/n2gg/${service}; its postinst makes its system user and its
certificate.")
  # adduser and deb-systemd-helper for the maintainer scripts; the CLI makes the service's
  # certificate in the postinst (a Recommends could be configured after it)
  set(CPACK_DEBIAN_${C}_PACKAGE_DEPENDS
      "adduser, init-system-helpers (>= 1.54~), n2gg-cli (= ${PROJECT_VERSION})")
  set(dir ${N2GG_DEPLOY_OUT}/debian/${service})
  set(CPACK_DEBIAN_${C}_PACKAGE_CONTROL_EXTRA
      ${dir}/postinst ${dir}/prerm ${dir}/postrm ${dir}/conffiles)
  set(CPACK_DEBIAN_${C}_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
endforeach()

# The dates in the changelog and the manual pages: the last commit's (or SOURCE_DATE_EPOCH,
# when the builder sets it), so that the same source makes the same packages; gzip -n
# leaves out its own timestamp for the same reason. A source tree without git history
# takes the time it is configured.
if(DEFINED ENV{SOURCE_DATE_EPOCH})
  set(N2GG_SOURCE_DATE_EPOCH $ENV{SOURCE_DATE_EPOCH})
else()
  execute_process(COMMAND git log -1 --format=%ct WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE N2GG_SOURCE_DATE_EPOCH OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE git_failed ERROR_QUIET)
  if(git_failed)
    string(TIMESTAMP N2GG_SOURCE_DATE_EPOCH "%s" UTC)
  endif()
endif()
set(ENV{SOURCE_DATE_EPOCH} ${N2GG_SOURCE_DATE_EPOCH})   # string(TIMESTAMP) reads it
string(TIMESTAMP N2GG_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)

# The packaging lives in the source tree and the version has no Debian revision, so the
# packages are native: their changelog is changelog.gz (changelog.Debian.gz is a Debian
# revision's, beside the upstream changelog; lintian would say
# wrong-name-for-changelog-of-native-package).
set(debian ${N2GG_DEPLOY_OUT}/debian)
configure_file(${CMAKE_CURRENT_LIST_DIR}/changelog.in ${debian}/changelog @ONLY)
add_custom_command(OUTPUT ${debian}/changelog.gz COMMAND gzip -9nkf changelog
                   WORKING_DIRECTORY ${debian} DEPENDS ${debian}/changelog VERBATIM)
set(docs ${debian}/changelog.gz)

# Manual pages made from each command's --help (help2man, from scripts/deps): a daemon's in
# section 8, with its files and where to read more; the command line's in section 1.
find_program(N2GG_HELP2MAN help2man)
if(NOT N2GG_HELP2MAN)
  set(N2GG_HELP2MAN help2man)   # the packages' build then fails saying so: run scripts/deps
endif()
# n2gg-dashboard carries GOV.UK Frontend's files when npm ci fetched them (services/dashboard)
get_directory_property(govuk_dist DIRECTORY ${PROJECT_SOURCE_DIR}/services/dashboard
                       DEFINITION N2GG_GOVUK_DIST)
foreach(component ${CPACK_COMPONENTS_ALL})
  if(component STREQUAL cli)
    set(package n2gg-cli)
    set(command n2gg)
    set(section 1)
    set(name "the N2GG command line")
    set(h2m)
    set(include)
  else()
    set(package n2gg-${component})
    set(command n2gg-${component})
    set(section 8)
    set(name "N2GG ${component}: ${N2GG_DEPLOY_${component}_SUMMARY}")
    set(SERVICE ${component})
    set(h2m ${debian}/${component}/man.h2m)
    configure_file(${CMAKE_CURRENT_LIST_DIR}/service.h2m.in ${h2m} @ONLY)
    set(include --include=${h2m})
  endif()
  set(man ${debian}/${component}/${command}.${section})
  add_custom_command(
    OUTPUT ${man}.gz
    COMMAND ${CMAKE_COMMAND} -E env SOURCE_DATE_EPOCH=${N2GG_SOURCE_DATE_EPOCH}
            ${N2GG_HELP2MAN} --no-info --section=${section} --name=${name}
            ${include} --output=${man} $<TARGET_FILE:${command}>
    COMMAND gzip -9nf ${man}
    DEPENDS ${command} ${h2m} VERBATIM)
  list(APPEND docs ${man}.gz)
  install(FILES ${man}.gz DESTINATION share/man/man${section} COMPONENT ${component})

  # The copyright file, and the lintian overrides that apply to the package (each fragment
  # says why). A copyright file with GOV.UK Frontend's notices has a notice for lintian to find.
  file(READ ${CMAKE_CURRENT_LIST_DIR}/copyright.in copyright)
  set(overrides)
  if(component STREQUAL dashboard AND EXISTS "${govuk_dist}")
    file(READ ${CMAKE_CURRENT_LIST_DIR}/govuk-frontend.copyright more)
    string(APPEND copyright "${more}")
  else()
    file(READ ${CMAKE_CURRENT_LIST_DIR}/copyright.lintian-overrides overrides)
  endif()
  if(NOT component STREQUAL cli)
    file(READ ${CMAKE_CURRENT_LIST_DIR}/service.lintian-overrides more)
    string(APPEND overrides "${more}")
  endif()
  set(PACKAGE ${package})
  file(CONFIGURE OUTPUT ${debian}/${component}/copyright CONTENT "${copyright}" @ONLY)
  file(CONFIGURE OUTPUT ${debian}/${component}/lintian-overrides CONTENT "${overrides}" @ONLY)
  install(FILES ${debian}/${component}/copyright ${debian}/changelog.gz
          DESTINATION share/doc/${package} COMPONENT ${component})
  install(FILES ${debian}/${component}/lintian-overrides DESTINATION share/lintian/overrides
          RENAME ${package} COMPONENT ${component})
endforeach()
add_custom_target(n2gg_package_docs DEPENDS ${docs})
add_dependencies(n2gg_packaged n2gg_package_docs)
include(CPack)
