#include <jack/jack.h>
#include <jack/midiport.h>

#define WHITTLE_RT __attribute__((swift_attr("@_noLocks"))) __attribute__((swift_attr("@_noAllocation")))

// jack_client_open is variadic: Swift cannot call it directly.
static inline jack_client_t *whittle_jack_client_open(const char *name, jack_options_t options,
                                                      jack_status_t *status, const char *server) {
    if (server) return jack_client_open(name, (jack_options_t)(options | JackServerName), status, server);
    return jack_client_open(name, options, status);
}

// Functions called from the process callback, redeclared as real-time safe for Swift's checker.
WHITTLE_RT void *jack_port_get_buffer(jack_port_t *, jack_nframes_t);
WHITTLE_RT jack_nframes_t jack_last_frame_time(const jack_client_t *);
WHITTLE_RT void jack_midi_clear_buffer(void *);
WHITTLE_RT int jack_midi_event_write(void *, jack_nframes_t, const jack_midi_data_t *, size_t);
