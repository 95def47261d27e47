# Warnings every target is built with; -Werror is added by UJIKOM_WERROR (on in CI).
set(UJIKOM_WARNINGS
    -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion -Wformat=2
    -Wmissing-prototypes -Wstrict-prototypes -Wvla -Wpointer-arith -Wundef
    -Wcast-qual -Wwrite-strings -Wnull-dereference)
if(CMAKE_C_COMPILER_ID STREQUAL "Clang")
  # Statement tables (static const char *sqls[] = {[X] = "SELECT ..." "FROM ..."}) split long
  # SQL over several literals on purpose; clang would read that as a missing comma.
  list(APPEND UJIKOM_WARNINGS -Wno-string-concatenation)
endif()
if(UJIKOM_WERROR)
  list(APPEND UJIKOM_WARNINGS -Werror)
endif()
