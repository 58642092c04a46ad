import Glibc

/// SIGINT/SIGTERM handling off the audio thread: the signals are blocked before any thread is
/// created (JACK's and ALSA's threads inherit the mask), and the control thread collects them
/// with sigtimedwait between its housekeeping ticks.
enum RunSignals {
    static func blockTermination() {
        var set = terminationSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits up to `seconds` for SIGINT or SIGTERM; returns the signal number, or nil on timeout.
    static func wait(seconds: Double) -> Int32? {
        var set = terminationSet()
        var timeout = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        let signal = sigtimedwait(&set, nil, &timeout)
        return signal > 0 ? signal : nil
    }

    private static func terminationSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }
}

/// One line on stderr, the way every run failure is reported.
func liveError(_ message: String) {
    let line = "whittle: \(message)\n"
    writeAll(2, line)
}

func liveNote(_ message: String) {
    let line = "whittle: \(message)\n"
    writeAll(2, line)
}

/// Unbuffered write to a file descriptor (stdio's globals are not concurrency-safe in Swift 6).
func writeAll(_ fd: Int32, _ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n <= 0 { break }
            done += n
        }
    }
}
