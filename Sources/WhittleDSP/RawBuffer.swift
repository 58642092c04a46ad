/// Allocation helpers for setup code: zeroed float buffers the audio thread only reads and writes.
public enum RawBuffer {
    public static func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        return p
    }
}
