// What Glibc's Swift overlay does not expose.
#include <wchar.h>
#include <locale.h>
#include <sys/ioctl.h>
#include <termios.h>
// wcwidth is X/Open; declare it so Swift sees it whatever the feature macros.
extern int wcwidth(wchar_t c);
