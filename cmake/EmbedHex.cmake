# Helpers of the scripts that compile files into the binary (EmbedAssets, EmbedContexts).

# Appends to the variable named body_var a C array `static const unsigned char NAME[]` holding
# the bytes whose lower-case hex is HEX (file(READ ... HEX)) and a NUL after them, and to the
# variable named table_var its table row `{"LABEL", <CAST>NAME, <size>},`.
function(embed_hex_entry body_var table_var name label cast hex)
  string(LENGTH "${hex}" hexlen)
  math(EXPR size "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," arr "${hex}")
  set(${body_var} "${${body_var}}static const unsigned char ${name}[] = {${arr} 0x00};\n"
      PARENT_SCOPE)
  set(${table_var} "${${table_var}}  {\"${label}\", ${cast}${name}, ${size}},\n" PARENT_SCOPE)
endfunction()

# Writes text to out only when it differs, so that an unchanged file rebuilds nothing.
function(embed_write out text)
  file(WRITE ${out}.tmp "${text}")
  file(COPY_FILE ${out}.tmp ${out} ONLY_IF_DIFFERENT)
  file(REMOVE ${out}.tmp)
endfunction()
