#include <alsa/asoundlib.h>

#define WHITTLE_RT __attribute__((swift_attr("@_noLocks"))) __attribute__((swift_attr("@_noAllocation")))

// alsa-lib prints its own messages (e.g. "Unknown PCM foo") on stderr; the CLI prints one line instead.
static void whittle_alsa_silent(const char *file, int line, const char *function, int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}
static inline void whittle_alsa_quiet(void) { snd_lib_error_set_handler(whittle_alsa_silent); }
