# cmake -DINPUT=file -DOUTPUT=file.cpp -DSYMBOL=name -P embed_bytes.cmake
# Writes a C++ source defining `extern "C" const unsigned char SYMBOL[]` and
# `SYMBOL_size` with INPUT's bytes (no xxd needed on the build machine).
file(READ "${INPUT}" _hex HEX)
string(LENGTH "${_hex}" _len)
math(EXPR _size "${_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_hex}")
file(WRITE "${OUTPUT}"
  "// Generated from ${INPUT} by cmake/embed_bytes.cmake. Do not edit.\n"
  "#include <cstddef>\n"
  "extern \"C\" const unsigned char ${SYMBOL}[] = {${_bytes}};\n"
  "extern \"C\" const std::size_t ${SYMBOL}_size = ${_size};\n")
