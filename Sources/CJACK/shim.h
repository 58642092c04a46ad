#include <jack/jack.h>
#include <jack/midiport.h>
#include <stdint.h>

#define WHITTLE_RT __attribute__((swift_attr("@_noLocks"))) __attribute__((swift_attr("@_noAllocation")))

// jack_client_open is variadic: Swift cannot call it directly.
static inline jack_client_t *whittle_jack_client_open(const char *name, jack_options_t options,
                                                      jack_status_t *status, const char *server) {
    if (server) return jack_client_open(name, (jack_options_t)(options | JackServerName), status, server);
    return jack_client_open(name, options, status);
}

// libjack prints every connection failure on stderr; the CLI prints one line of its own instead.
static void whittle_jack_silent(const char *msg) { (void)msg; }
static inline void whittle_jack_quiet(void) {
    jack_set_error_function(whittle_jack_silent);
    jack_set_info_function(whittle_jack_silent);
}

// Functions called from the process callback, redeclared as real-time safe for Swift's checker.
WHITTLE_RT void *jack_port_get_buffer(jack_port_t *, jack_nframes_t);
WHITTLE_RT jack_nframes_t jack_last_frame_time(const jack_client_t *);
WHITTLE_RT void jack_midi_clear_buffer(void *);
WHITTLE_RT int jack_midi_event_write(void *, jack_nframes_t, const jack_midi_data_t *, size_t);

// Sequentially consistent flags for the reconfigure handshake between JACK's
// notification thread and the process thread (a Dekker-style pair needs seq_cst).
WHITTLE_RT static inline int32_t whittle_jack_load_i32(const int32_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
WHITTLE_RT static inline void whittle_jack_store_i32(int32_t *p, int32_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
WHITTLE_RT static inline uint64_t whittle_jack_load_u64(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_SEQ_CST); }
WHITTLE_RT static inline void whittle_jack_store_u64(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_SEQ_CST); }
WHITTLE_RT static inline uint64_t whittle_fetch_add_u64_jack(uint64_t *p, uint64_t v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
