// pcsc-lite's API. pkg-config libpcsclite adds -I/usr/include/PCSC, so <winscard.h> resolves
// (<PCSC/winscard.h> does not on Debian).
#include <winscard.h>
#include <reader.h>
