// What a model file says about itself, besides its graph (all plain values).

public struct ModelMetadata: Sendable {
    public var task: String?
    public var sampleRate: Double?
    public var hop: Int?
    /// Feature settings as the JSON text stored in the file (STFT size, mel bands, ...).
    public var features: String?
    public var labels: [String]
    /// Trimming provenance as the JSON text stored in the file (parent model, lottery round, ...).
    public var provenance: String?
    /// Every `__metadata__` entry, verbatim.
    public var raw: [String: String]

    public init(task: String? = nil, sampleRate: Double? = nil, hop: Int? = nil, features: String? = nil,
                labels: [String] = [], provenance: String? = nil, raw: [String: String] = [:]) {
        self.task = task
        self.sampleRate = sampleRate
        self.hop = hop
        self.features = features
        self.labels = labels
        self.provenance = provenance
        self.raw = raw
    }
}
