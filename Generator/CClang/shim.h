// libclang's C API, as installed by Debian's libclang-dev (llvm-14).
// The include path comes from Package.swift (-I/usr/lib/llvm-14/include).
#include <clang-c/Index.h>
