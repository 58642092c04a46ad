// playrec: plays a mono float signal into one JACK port and records another, on JACK's frame
// clock, with the server in freewheel mode (bit-exact, no xruns, as fast as the CPU allows).
//
// Two clients, so the graph is playrec_play -> (device under test) -> playrec_rec with no cycle,
// hence no extra cycle of delay. The player starts the signal at the first cycle after the
// server has entered freewheel; that cycle's frame time S is printed as "start_frame S".
// The recording holds the frames from S on: recording[i] is the test port at frame S + i.
//
// With an extra argument "realtime" the server is left in normal mode (for probe runs that need
// a live signal at real-time pace; the recording is then not guaranteed to be gapless).
// With "midi=PORT", the recorder also records that MIDI port on the same clock and writes
// OUT.f32.midi: one line per event, "FRAME B0 B1 B2" (FRAME relative to S, bytes in hex).
//
// usage: playrec SERVER IN.f32 OUT.f32 RECORD_FRAMES SINK_PORT SOURCE_PORT [realtime] [midi=PORT]
// It exits once the whole signal has been played and RECORD_FRAMES recorded. SIGTERM or SIGINT
// stops it early (exit 1) with both clients closed: a client killed mid-cycle can leave jackd
// unable to shut down cleanly.
// (raw native-endian float32 mono files)
#define _GNU_SOURCE
#include <jack/jack.h>
#include <jack/midiport.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static float *signal_data;
static long signal_frames;
static float *recording;
static long record_frames;
static jack_client_t *player, *recorder;
static jack_port_t *play_port, *rec_port, *midi_port;

#define MIDI_CAPACITY 65536
static struct { long frame; int size; unsigned char bytes[3]; } midi_events[MIDI_CAPACITY];
static long midi_count;       // written by rec_process only, read after deactivation
static long midi_lost;

static int freewheeling;      // set by the freewheel callback
static int armed;             // set by main once freewheel is on
static int64_t start_frame = -1;
static int recorded_done;
static int played_done;

static int play_process(jack_nframes_t n, void *arg) {
    (void)arg;
    float *out = jack_port_get_buffer(play_port, n);
    memset(out, 0, n * sizeof(float));
    jack_nframes_t now = jack_last_frame_time(player);
    int64_t s = __atomic_load_n(&start_frame, __ATOMIC_ACQUIRE);
    if (s < 0) {
        if (!__atomic_load_n(&armed, __ATOMIC_ACQUIRE)) return 0;
        s = now;
        __atomic_store_n(&start_frame, s, __ATOMIC_RELEASE);
    }
    long t = (long)(jack_nframes_t)(now - (jack_nframes_t)s);
    for (jack_nframes_t i = 0; i < n; i++)
        if (t + (long)i < signal_frames) out[i] = signal_data[t + i];
    if (t + (long)n >= signal_frames) __atomic_store_n(&played_done, 1, __ATOMIC_RELEASE);
    return 0;
}

static int rec_process(jack_nframes_t n, void *arg) {
    (void)arg;
    int64_t s = __atomic_load_n(&start_frame, __ATOMIC_ACQUIRE);
    if (s < 0) return 0;
    const float *in = jack_port_get_buffer(rec_port, n);
    long t = (long)(jack_nframes_t)(jack_last_frame_time(recorder) - (jack_nframes_t)s);
    for (jack_nframes_t i = 0; i < n; i++)
        if (t + (long)i >= 0 && t + (long)i < record_frames) recording[t + i] = in[i];
    if (midi_port) {
        void *mb = jack_port_get_buffer(midi_port, n);
        jack_nframes_t count = jack_midi_get_event_count(mb);
        for (jack_nframes_t k = 0; k < count; k++) {
            jack_midi_event_t ev;
            if (jack_midi_event_get(&ev, mb, k) != 0) continue;
            if (t + (long)ev.time < 0 || t + (long)ev.time >= record_frames) continue;
            if (midi_count >= MIDI_CAPACITY) { midi_lost++; continue; }
            midi_events[midi_count].frame = t + (long)ev.time;
            midi_events[midi_count].size = ev.size < 3 ? (int)ev.size : 3;
            for (int b = 0; b < midi_events[midi_count].size; b++) midi_events[midi_count].bytes[b] = ev.buffer[b];
            midi_count++;
        }
    }
    if (t + (long)n >= record_frames) __atomic_store_n(&recorded_done, 1, __ATOMIC_RELEASE);
    return 0;
}

static void on_freewheel(int starting, void *arg) {
    (void)arg;
    __atomic_store_n(&freewheeling, starting, __ATOMIC_RELEASE);
}

static jack_client_t *open_client(const char *name, const char *server) {
    jack_status_t status;
    jack_client_t *c = jack_client_open(name, JackNoStartServer | JackServerName, &status, server);
    if (!c) { fprintf(stderr, "playrec: cannot open client %s on %s (0x%x)\n", name, server, status); exit(1); }
    return c;
}

static volatile sig_atomic_t stop_requested;
static void on_stop_signal(int sig) { (void)sig; stop_requested = 1; }

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
    if (argc < 7) { fprintf(stderr, "usage: playrec SERVER IN.f32 OUT.f32 RECORD_FRAMES SINK_PORT SOURCE_PORT [realtime] [midi=PORT]\n"); return 2; }
    int freewheel = 1;
    const char *midi_source = NULL;
    for (int a = 7; a < argc; a++) {
        if (strcmp(argv[a], "realtime") == 0) freewheel = 0;
        else if (strncmp(argv[a], "midi=", 5) == 0) midi_source = argv[a] + 5;
        else { fprintf(stderr, "playrec: unknown argument %s\n", argv[a]); return 2; }
    }
    const char *server = argv[1];
    FILE *f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 2; }
    fseek(f, 0, SEEK_END);
    signal_frames = ftell(f) / (long)sizeof(float);
    fseek(f, 0, SEEK_SET);
    signal_data = malloc(signal_frames * sizeof(float));
    if (fread(signal_data, sizeof(float), signal_frames, f) != (size_t)signal_frames) { perror("read"); return 2; }
    fclose(f);
    record_frames = atol(argv[4]);
    recording = calloc(record_frames, sizeof(float));

    struct sigaction stop = {0};
    stop.sa_handler = on_stop_signal;
    sigaction(SIGTERM, &stop, NULL);
    sigaction(SIGINT, &stop, NULL);

    player = open_client("playrec_play", server);
    recorder = open_client("playrec_rec", server);
    play_port = jack_port_register(player, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    rec_port = jack_port_register(recorder, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    if (midi_source) midi_port = jack_port_register(recorder, "midi_in", JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
    jack_set_process_callback(player, play_process, NULL);
    jack_set_process_callback(recorder, rec_process, NULL);
    jack_set_freewheel_callback(player, on_freewheel, NULL);
    if (jack_activate(player) || jack_activate(recorder)) { fprintf(stderr, "playrec: cannot activate\n"); return 1; }
    if (jack_connect(player, jack_port_name(play_port), argv[5])) { fprintf(stderr, "playrec: cannot connect to %s\n", argv[5]); return 1; }
    if (jack_connect(recorder, argv[6], jack_port_name(rec_port))) { fprintf(stderr, "playrec: cannot connect from %s\n", argv[6]); return 1; }
    if (midi_source && jack_connect(recorder, midi_source, jack_port_name(midi_port))) { fprintf(stderr, "playrec: cannot connect from %s\n", midi_source); return 1; }

    if (freewheel) {
        if (jack_set_freewheel(player, 1)) { fprintf(stderr, "playrec: cannot start freewheel\n"); return 1; }
        for (int i = 0; i < 5000 && !__atomic_load_n(&freewheeling, __ATOMIC_ACQUIRE); i++) sleep_ms(1);
        if (!__atomic_load_n(&freewheeling, __ATOMIC_ACQUIRE)) { fprintf(stderr, "playrec: freewheel did not start\n"); return 1; }
    }
    __atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < 600000 && !stop_requested; i++) {
        if (__atomic_load_n(&recorded_done, __ATOMIC_ACQUIRE) && __atomic_load_n(&played_done, __ATOMIC_ACQUIRE)) break;
        sleep_ms(1);
    }
    int done = __atomic_load_n(&recorded_done, __ATOMIC_ACQUIRE) && __atomic_load_n(&played_done, __ATOMIC_ACQUIRE);
    if (freewheel) jack_set_freewheel(player, 0);
    jack_deactivate(recorder);
    jack_deactivate(player);
    if (!done) {
        fprintf(stderr, "playrec: recording did not finish%s\n", stop_requested ? " (stopped by a signal)" : "");
        jack_client_close(recorder);
        jack_client_close(player);
        return 1;
    }

    f = fopen(argv[3], "wb");
    if (!f || fwrite(recording, sizeof(float), record_frames, f) != (size_t)record_frames) { perror(argv[3]); return 1; }
    fclose(f);
    if (midi_source) {
        char path[4096];
        snprintf(path, sizeof path, "%s.midi", argv[3]);
        f = fopen(path, "w");
        if (!f) { perror(path); return 1; }
        for (long i = 0; i < midi_count; i++) {
            fprintf(f, "%ld", midi_events[i].frame);
            for (int b = 0; b < midi_events[i].size; b++) fprintf(f, " %02x", midi_events[i].bytes[b]);
            fprintf(f, "\n");
        }
        fclose(f);
        if (midi_lost) { fprintf(stderr, "playrec: %ld MIDI events did not fit\n", midi_lost); return 1; }
    }
    printf("start_frame %lld\n", (long long)start_frame);
    jack_client_close(recorder);
    jack_client_close(player);
    return 0;
}
