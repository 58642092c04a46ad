// The unit-dependency graph: which output channels of which layers must be removed together,
// and which input slices of which consumers go with them.
//
// Every producer (dense neuron, conv1d/conv2d/conv_transpose1d output channel, GRU/LSTM hidden
// unit) creates one element per output channel. Elements flow through the graph as the channel
// (last-axis) positions of values: elementwise ops and frequency pools pass them through, concat
// appends them, flatten repeats them once per row (channels last: column f·C + c carries
// channel c). `add` ties the elements at equal positions of its operands into one unit that can
// only be cut as a whole. A *unit* is such an equivalence class; a *layer* is the set of producers
// whose units are tied together, the scope of per-layer normalisation and the minimum-width guard.
// Units that reach a graph output, meet a graph input in an add, or feed a softmax are frozen.

import WhittleNN

/// Output channel `index` of producer node `node`.
public struct UnitRef: Hashable, Sendable, Codable, Comparable {
    public var node: String
    public var index: Int
    public static func < (a: UnitRef, b: UnitRef) -> Bool { (a.node, a.index) < (b.node, b.index) }
}

public struct UnitGraph: Sendable {
    public struct Unit: Sendable {
        public var refs: [UnitRef]
        public var frozen: Bool
        public var layer: Int
    }
    public struct Layer: Sendable {
        /// Producer nodes, in graph order.
        public var producers: [String]
        public var units: [Int]
        public var name: String { producers.joined(separator: "+") }
    }

    public static let producerOps: Set<String> = ["dense", "conv1d", "conv2d", "conv_transpose1d", "gru", "lstm"]

    public let shapes: [String: ValueShape]
    public let units: [Unit]
    public let layers: [Layer]
    /// Per value: the unit carried by each channel position (nil: from a graph input).
    public let channelUnits: [String: [Int?]]
    /// Per producer: the unit of each output channel.
    public let producerUnits: [String: [Int]]

    public var prunableUnits: [Int] { units.indices.filter { !units[$0].frozen } }

    public init(_ graph: ModelGraph) throws {
        let shapes = try ValueShapes.infer(graph)
        var sets = DisjointSets()
        var refs: [UnitRef] = []
        var frozen = Set<Int>()
        var origins: [String: [Int?]] = [:]
        var elements: [String: [Int]] = [:]
        for input in graph.inputs { origins[input.name] = Array(repeating: nil, count: input.shape.last ?? 1) }

        for node in graph.nodes {
            let ins = node.inputs.map { origins[$0] ?? [] }
            let x = ins[0]
            switch node.op {
            case let op where Self.producerOps.contains(op):
                let count = shapes[node.name]!.channels
                let ids = (0..<count).map { i -> Int in refs.append(UnitRef(node: node.name, index: i)); return sets.add() }
                elements[node.name] = ids
                origins[node.name] = ids
            case "flatten":
                let rows = shapes[node.inputs[0]]!.rows
                origins[node.name] = Array((0..<rows).map { _ in x }.joined())
            case "concat":
                origins[node.name] = Array(ins.joined())
            case "add":
                guard ins.count == 2, ins[0].count == ins[1].count else {
                    throw TrimError("node '\(node.name)' (add): operands have different channel counts")
                }
                for (a, b) in zip(ins[0], ins[1]) {
                    switch (a, b) {
                    case let (a?, b?): sets.union(a, b)
                    case let (a?, nil): frozen.insert(a)
                    case let (nil, b?): frozen.insert(b)
                    case (nil, nil): break
                    }
                }
                origins[node.name] = zip(ins[0], ins[1]).map { $0 ?? $1 }
            case "softmax":
                // Removing a class of a distribution is not a width change: keep its inputs whole.
                for e in x.compactMap({ $0 }) { frozen.insert(e) }
                origins[node.name] = x
            default:
                origins[node.name] = x
            }
            if node.attributes["activation"].flatMap(Self.activationName) == "softmax" {
                for e in origins[node.name]!.compactMap({ $0 }) { frozen.insert(e) }
            }
        }
        for output in graph.outputs {
            guard let o = origins[output] else { throw TrimError("graph output '\(output)' is not a value of the graph") }
            for e in o.compactMap({ $0 }) { frozen.insert(e) }
        }

        // Classes of tied elements become units; producers sharing a unit share a layer.
        var unitOfRoot: [Int: Int] = [:]
        var unitOf = [Int](repeating: 0, count: refs.count)
        var units: [Unit] = []
        for e in refs.indices {
            let root = sets.find(e)
            if let u = unitOfRoot[root] {
                units[u].refs.append(refs[e])
            } else {
                unitOfRoot[root] = units.count
                units.append(Unit(refs: [refs[e]], frozen: false, layer: 0))
            }
            unitOf[e] = unitOfRoot[root]!
        }
        for e in frozen { units[unitOf[e]].frozen = true }

        let producers = graph.nodes.map(\.name).filter { elements[$0] != nil }
        let index = Dictionary(uniqueKeysWithValues: producers.enumerated().map { ($1, $0) })
        var layerSets = DisjointSets()
        for _ in producers { _ = layerSets.add() }
        for unit in units { for r in unit.refs.dropFirst() { layerSets.union(index[unit.refs[0].node]!, index[r.node]!) } }
        var layerOfRoot: [Int: Int] = [:]
        var layers: [Layer] = []
        for (i, p) in producers.enumerated() {
            let root = layerSets.find(i)
            if let l = layerOfRoot[root] { layers[l].producers.append(p) } else {
                layerOfRoot[root] = layers.count
                layers.append(Layer(producers: [p], units: []))
            }
        }
        for u in units.indices {
            let l = layerOfRoot[layerSets.find(index[units[u].refs[0].node]!)]!
            units[u].layer = l
            layers[l].units.append(u)
        }

        self.shapes = shapes
        self.units = units
        self.layers = layers
        self.channelUnits = origins.mapValues { $0.map { $0.map { unitOf[$0] } } }
        self.producerUnits = elements.mapValues { $0.map { unitOf[$0] } }
    }

    static func activationName(_ value: JSONValue) -> String? {
        if let s = value.stringValue { return s }
        if case .object(let o) = value { return o["name"]?.stringValue }
        return nil
    }
}

/// Union-find with path halving; the smaller index becomes the root so results are deterministic.
struct DisjointSets {
    private var parent: [Int] = []

    mutating func add() -> Int { parent.append(parent.count); return parent.count - 1 }

    mutating func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
        return x
    }

    mutating func union(_ a: Int, _ b: Int) {
        let (ra, rb) = (find(a), find(b))
        if ra < rb { parent[rb] = ra } else if rb < ra { parent[ra] = rb }
    }
}
