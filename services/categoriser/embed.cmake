# Writes a C file defining `const char NAME[]` with the bytes of INPUT (and NAME_len), so
# the service carries its default policy and runs with no file to install.
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(LENGTH "${hex}" hex_len)
math(EXPR len "${hex_len} / 2")
file(WRITE ${OUTPUT} "/* generated from ${INPUT} */\n#include <stddef.h>\n"
  "const char ${NAME}[] = {${bytes}0};\nconst size_t ${NAME}_len = ${len};\n")
