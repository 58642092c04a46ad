import CRealtime

/// Test-only processor: allocates on the audio thread while claiming not to, so the
/// run-time probes (LD_PRELOAD interposer, RealtimeSanitizer) can prove they catch it.
public enum Canary {
    @_noLocks @_noAllocation
    public static func process() { whittle_test_planted_allocation() }
}
