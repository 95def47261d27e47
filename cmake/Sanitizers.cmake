# ASan + UBSan for the test build. Findings abort (no recovery) so a test fails.
if(UJIKOM_SANITIZE)
  set(UJIKOM_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                       -fno-omit-frame-pointer)
  add_compile_options(${UJIKOM_SAN_FLAGS})
  add_link_options(${UJIKOM_SAN_FLAGS})
endif()
