// What Glibc's Swift overlay does not expose.
#include <wchar.h>
#include <locale.h>
#include <sys/ioctl.h>
#include <termios.h>
// wcwidth is X/Open; declare it so Swift sees it whatever the feature macros.
extern int wcwidth(wchar_t c);
// SO_PEERCRED's answer. glibc shows `struct ucred` only under _GNU_SOURCE, which the Swift
// overlay does not set; this has the same layout (pid_t, uid_t, gid_t) on every Linux ABI.
#include <stdint.h>
#include <sys/socket.h>
struct kiosk_peer_credentials {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
};
#ifndef SO_PEERCRED
#define SO_PEERCRED 17
#endif
static const int kiosk_so_peercred = SO_PEERCRED;
// The pseudo-terminal calls are X/Open too (a keypad's terminal in tests, opened and hung up).
extern int posix_openpt(int flags);
extern int grantpt(int fd);
extern int unlockpt(int fd);
extern char *ptsname(int fd);
// malloc_trim is glibc's own (malloc.h), outside what the overlay brings in.
#include <malloc.h>
