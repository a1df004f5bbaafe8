# The Debian packages (CPack's DEB generator, one component each): n2gg-SERVICE for every
# service whose binary is built (its binary, unit, default config, maintainer scripts) and
# n2gg-cli (the `n2gg` command). Dependencies are computed from the binaries
# (dpkg-shlibdeps). Built by scripts/package into build-deb/.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME n2gg)
set(CPACK_PACKAGE_VENDOR "Norfolk County Council")
set(CPACK_PACKAGE_CONTACT "N2GG operations <school.improvement@norfolk.gov.uk>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://www.norfolk.gov.uk/")
set(CPACK_COMPONENTS_ALL ${N2GG_PACKAGED_SERVICES} cli)

set(CPACK_DEBIAN_CLI_PACKAGE_NAME n2gg-cli)
set(CPACK_COMPONENT_CLI_DESCRIPTION "N2GG command line (n2gg)\n The command line of the N2GG services: imports, schools, categories, partners, visits, letters, keys.")
foreach(service ${N2GG_PACKAGED_SERVICES})
  string(TOUPPER ${service} C)
  set(CPACK_DEBIAN_${C}_PACKAGE_NAME n2gg-${service})
  set(CPACK_COMPONENT_${C}_DESCRIPTION
      "N2GG ${service}: ${N2GG_DEPLOY_${service}_SUMMARY}\n The N2GG ${service} service (n2gg-${service}) with its systemd unit and default configuration in /etc/n2gg/${service}.conf; its store is /var/lib/n2gg/${service}.")
  # adduser and deb-systemd-helper for the maintainer scripts; the CLI makes the service's
  # certificate in the postinst (a Recommends could be configured after it)
  set(CPACK_DEBIAN_${C}_PACKAGE_DEPENDS
      "adduser, init-system-helpers (>= 1.54~), n2gg-cli (= ${PROJECT_VERSION})")
  set(dir ${N2GG_DEPLOY_OUT}/debian/${service})
  set(CPACK_DEBIAN_${C}_PACKAGE_CONTROL_EXTRA
      ${dir}/postinst ${dir}/prerm ${dir}/postrm ${dir}/conffiles)
  set(CPACK_DEBIAN_${C}_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
endforeach()
include(CPack)
