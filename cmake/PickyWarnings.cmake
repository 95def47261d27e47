# Warnings every target is built with; -Werror is added by UJIKOM_WERROR (on in CI).
set(UJIKOM_WARNINGS
    -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion -Wformat=2
    -Wmissing-prototypes -Wstrict-prototypes -Wvla -Wpointer-arith -Wundef
    -Wcast-qual -Wwrite-strings -Wnull-dereference)
if(UJIKOM_WERROR)
  list(APPEND UJIKOM_WARNINGS -Werror)
endif()
