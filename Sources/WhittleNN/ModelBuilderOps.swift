// One builder step per graph op: check attributes and tensors, allocate, append the layer.

extension ModelBuilder {
    mutating func add(_ node: GraphSpec.Node, index: Int, inputs: [ValueInfo]) throws -> ValueInfo {
        let x = inputs[0]
        switch node.op {
        case "dense":
            try expectInputs(node, 1)
            let units = try node.int("units")
            let activation = try node.activation()
            var weight = try tensor(node, "weight", [units, x.count])
            var bias = try optionalTensor(node, "bias", [units]) ?? []
            try foldFollowingBatchNorm(after: node, index: index, activation: activation, channels: units,
                                       weight: &weight, bias: &bias, channel: { $0 / x.count })
            let y = try allocate(shape: [units], period: x.period, context: node.context)
            append(.dense(Dense(inputs: x.count, outputs: units, weight: weight, bias: bias, activation: activation,
                                input: x.buffer, output: y.buffer, arena: arena)), x.period)
            return y

        case "conv1d":
            try expectInputs(node, 1)
            try expectRank(node, x, 1)
            let cin = x.channels, cout = try node.int("channels"), k = try node.int("kernel")
            let dilation = try node.int("dilation", default: 1), stride = try node.int("stride", default: 1)
            let activation = try node.activation()
            try reserve(2 * ((k - 1) * dilation + 1) * cin, context: node.context)
            var weight = try tensor(node, "weight", [cout, cin, k])
            var bias = try optionalTensor(node, "bias", [cout]) ?? []
            try foldFollowingBatchNorm(after: node, index: index, activation: activation, channels: cout,
                                       weight: &weight, bias: &bias, channel: { $0 / (cin * k) })
            let y = try allocate(shape: [cout], period: try slower(x.period, by: stride, node), context: node.context)
            append(.conv1d(Conv1D(inChannels: cin, outChannels: cout, kernel: k, dilation: dilation, stride: stride,
                                  weight: weight, bias: bias, activation: activation,
                                  input: x.buffer, output: y.buffer, arena: arena)), x.period)
            return y

        case "conv2d":
            try expectInputs(node, 1)
            try expectRank(node, x, 2)
            let frequencies = x.shape[0], cin = x.channels, cout = try node.int("channels")
            let (kt, kf) = try node.pair("kernel")
            let (dt, df) = try node.pair("dilation", default: (1, 1))
            let (st, sf) = try node.pair("stride", default: (1, 1))
            let padding = try node.int("padding", default: 0, min: 0)
            let activation = try node.activation()
            let outFrequencies = Conv2D.outFrequencies(frequencies: frequencies, kernelFreq: kf, dilationFreq: df,
                                                       freqStride: sf, freqPadding: padding)
            guard outFrequencies >= 1, padding < kf * df else {
                throw ModelLoadError("\(node.context): kernel \(kf) (dilation \(df), padding \(padding)) does not fit \(frequencies) frequencies")
            }
            try reserve(2 * ((kt - 1) * dt + 1) * frequencies * cin, context: node.context)
            var weight = try tensor(node, "weight", [cout, cin, kt, kf])
            var bias = try optionalTensor(node, "bias", [cout]) ?? []
            try foldFollowingBatchNorm(after: node, index: index, activation: activation, channels: cout,
                                       weight: &weight, bias: &bias, channel: { $0 / (cin * kt * kf) })
            let y = try allocate(shape: [outFrequencies, cout], period: try slower(x.period, by: st, node), context: node.context)
            append(.conv2d(Conv2D(inChannels: cin, outChannels: cout, frequencies: frequencies,
                                  kernelTime: kt, kernelFreq: kf, dilationTime: dt, dilationFreq: df,
                                  timeStride: st, freqStride: sf, freqPadding: padding,
                                  weight: weight, bias: bias, activation: activation,
                                  input: x.buffer, output: y.buffer, arena: arena)), x.period)
            return y

        case "conv_transpose1d":
            try expectInputs(node, 1)
            try expectRank(node, x, 1)
            let cin = x.channels, cout = try node.int("channels"), k = try node.int("kernel"), stride = try node.int("stride")
            let activation = try node.activation()
            try reserve(2 * k * cin, context: node.context)
            var weight = try tensor(node, "weight", [cin, cout, k])
            var bias = try optionalTensor(node, "bias", [cout]) ?? []
            try foldFollowingBatchNorm(after: node, index: index, activation: activation, channels: cout,
                                       weight: &weight, bias: &bias, channel: { ($0 / k) % cout })
            let y = try allocate(shape: [stride, cout], period: x.period, context: node.context)
            append(.convTranspose1d(ConvTranspose1D(inChannels: cin, outChannels: cout, kernel: k, stride: stride,
                                                    weight: weight, bias: bias, activation: activation,
                                                    input: x.buffer, output: y.buffer, arena: arena)), x.period)
            return y

        case "gru", "lstm":
            try expectInputs(node, 1)
            let h = try node.int("hidden"), gates = node.op == "gru" ? 3 : 4
            let weightIH = try tensor(node, "weight_ih", [gates * h, x.count])
            let weightHH = try tensor(node, "weight_hh", [gates * h, h])
            let biasIH = try optionalTensor(node, "bias_ih", [gates * h]) ?? []
            let biasHH = try optionalTensor(node, "bias_hh", [gates * h]) ?? []
            let y = try allocate(shape: [h], period: x.period, context: node.context)
            if gates == 3 {
                append(.gru(GRU(inputs: x.count, hidden: h, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH,
                                input: x.buffer, output: y.buffer, arena: arena)), x.period)
            } else {
                append(.lstm(LSTM(inputs: x.count, hidden: h, weightIH: weightIH, weightHH: weightHH, biasIH: biasIH, biasHH: biasHH,
                                  input: x.buffer, output: y.buffer, arena: arena)), x.period)
            }
            return y

        case "batchnorm":
            try expectInputs(node, 1)
            if folded.contains(node.name) { return x }
            let (scale, shift) = try batchNormAffine(node, channels: x.channels)
            let y = try allocate(shape: x.shape, period: x.period, context: node.context)
            append(.channelAffine(ChannelAffine(channels: x.channels, count: x.count, scale: scale, shift: shift,
                                                input: x.buffer, output: y.buffer, arena: arena)), x.period)
            return y

        case "layernorm":
            try expectInputs(node, 1)
            let c = x.channels
            let gamma = try optionalTensor(node, "weight", [c]) ?? [Float](repeating: 1, count: c)
            let beta = try optionalTensor(node, "bias", [c]) ?? [Float](repeating: 0, count: c)
            let eps = try node.float("eps", default: 1e-5)
            guard eps > 0 else { throw ModelLoadError("\(node.context): attribute 'eps' must be positive") }
            let y = try allocate(shape: x.shape, period: x.period, context: node.context)
            append(.layerNorm(LayerNorm(channels: c, count: x.count, epsilon: eps, gamma: gamma, beta: beta,
                                        input: x.buffer, output: y.buffer, arena: arena)), x.period)
            return y

        case "maxpool_freq", "avgpool_freq":
            try expectInputs(node, 1)
            try expectRank(node, x, 2)
            let k = try node.int("kernel"), stride = try node.int("stride", default: k)
            guard k <= x.shape[0] else { throw ModelLoadError("\(node.context): kernel \(k) is wider than \(x.shape[0]) frequencies") }
            let outFrequencies = FrequencyPool.outFrequencies(frequencies: x.shape[0], kernel: k, stride: stride)
            let y = try allocate(shape: [outFrequencies, x.channels], period: x.period, context: node.context)
            append(.frequencyPool(FrequencyPool(kind: node.op == "maxpool_freq" ? .max : .average, channels: x.channels,
                                                frequencies: x.shape[0], kernel: k, stride: stride,
                                                input: x.buffer, output: y.buffer)), x.period)
            return y

        case "add":
            try expectInputs(node, 2)
            let b = inputs[1]
            guard x.shape == b.shape, x.period == b.period else {
                throw ModelLoadError("\(node.context): inputs differ in shape or rate (\(x.shape) every \(x.period), \(b.shape) every \(b.period))")
            }
            let y = try allocate(shape: x.shape, period: x.period, context: node.context)
            append(.add(Add(count: x.count, a: x.buffer, b: b.buffer, output: y.buffer)), x.period)
            return y

        case "concat":
            for other in inputs.dropFirst() where other.shape.dropLast() != x.shape.dropLast() || other.period != x.period {
                throw ModelLoadError("\(node.context): inputs must agree in all but the last axis and in rate (\(x.shape) vs \(other.shape))")
            }
            let width = inputs.reduce(0) { $0 + $1.channels }
            let y = try allocate(shape: x.shape.dropLast() + [width], period: x.period, context: node.context)
            let parts = inputs.map { ConcatPart(source: $0.buffer, width: $0.channels) }
            append(.concat(Concat(rows: x.rows, parts: parts, output: y.buffer, arena: arena)), x.period)
            return y

        case "flatten":
            try expectInputs(node, 1)
            return ValueInfo(shape: [x.count], period: x.period, buffer: x.buffer)

        case let op where Activation.names.contains(op):
            try expectInputs(node, 1)
            var parameters = node.attributes
            parameters["name"] = op
            let activation = try Activation.named(op, parameters: parameters, context: node.context)
            let y = try allocate(shape: x.shape, period: x.period, context: node.context)
            append(.activation(ActivationLayer(activation: activation, count: x.count, group: x.channels,
                                               input: x.buffer, output: y.buffer)), x.period)
            return y

        default:
            throw ModelLoadError("\(node.context): unknown op")
        }
    }

    /// The period of a value after a layer with time stride `stride`.
    func slower(_ period: Int, by stride: Int, _ node: GraphSpec.Node) throws -> Int {
        let (product, overflow) = period.multipliedReportingOverflow(by: stride)
        guard !overflow, product <= 1 << 24 else { throw ModelLoadError("\(node.context): accumulated time stride is too large") }
        return product
    }

    mutating func append(_ layer: Layer, _ period: Int) {
        nodes.append(Node(layer: layer, period: period))
    }
}
