/* Test-only stand-in for Windows' bcryptprimitives.dll, which wine 8 lacks: Rust's std imports
 * ProcessPrng from it. Built by scripts/platforms/tools.sh into a private wine prefix only, to run
 * the Windows addon's tests under wine; never shipped. Fills the buffer from RtlGenRandom
 * (advapi32's SystemFunction036), which wine implements. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    len -= chunk;
  }
  return TRUE;
}
