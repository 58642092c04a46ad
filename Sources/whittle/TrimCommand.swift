import ArgumentParser
import Foundation
import WhittleNN
import WhittleProfile
import WhittleTrain
import WhittleTrim

struct TrimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trim",
        abstract: "Structured lottery-ticket trimming: physically smaller models, reports, budget selection.",
        discussion: """
        Trains the dense model (snapshot after --rewind-epoch), then each round scores every unit \
        (conv channel, dense neuron, GRU/LSTM hidden unit), normalises scores per layer (÷ layer max), \
        cuts --fraction of the remaining units (one global percentile, or per layer with --selection \
        local), rewinds the survivors and retrains. --mode all adds the re-initialised and unstructured \
        masking baselines. DIR gets round-K.safetensors (reinit-K, masking-K), trim-report.csv, \
        trim-report.svg and a checkpoint; --resume continues an interrupted run, or just rewrites the \
        reports and re-selects when it is complete. With --budget, selected.safetensors is the most \
        accurate ticket whose p99.9 block time (predicted on --profile, else measured here) fits.
        MI criterion: binned (quantile) estimator with Miller-Madow correction, against the target \
        (--mi-reference target) or the layer input's first principal component.
        """)

    @Option(help: "Training task (\(TrimTasks.names.joined(separator: ", "))).") var task: String
    @Option(help: "Graph JSON of the dense model (fresh weights).") var graph: String?
    @Option(help: "Model file to start from (its architecture, weights and metadata).") var model: String?
    @Option(help: "Output directory.") var out: String
    @Option(help: "Trimming rounds.") var rounds = 8
    @Option(help: "Fraction of the remaining units removed per round.") var fraction = 0.25
    @Flag(name: .customLong("reinit-head"), help: "With --reset rewind: re-initialise each structured ticket's output layer (the last layer with weights) instead of rewinding it.") var reinitHead = false
    @Option(name: .customLong("final-fraction"), help: "Fraction removed in the last round instead of --fraction (to land the last ticket on a width, e.g. the widest under 10 %).") var finalFraction: Double?
    @Option(help: "Unit score: magnitude, bn, activation or mi.") var criterion: TrimCriterion = .magnitude
    @Option(name: .customLong("mi-reference"), help: "What the mi criterion compares a unit with: target or input.") var miReference: MIReference = .target
    @Option(help: "global (one percentile across layers) or local (the same fraction per layer).") var selection: SelectionScope = .global
    @Option(help: "rewind (survivors back to the rewind snapshot) or reinit (fresh random weights).") var reset: ResetKind = .rewind
    @Option(help: "structured, masking (unstructured baseline only) or all (structured + reinit + masking).") var mode: TrimMode = .structured
    @Option(help: "Training epochs per round.") var epochs = 20
    @Option(name: .customLong("rewind-epoch"), help: "Epoch of the dense training whose weights survivors rewind to (0 = init).") var rewindEpoch = 1
    @Option(name: .customLong("batch-size"), help: "Sequences per training batch.") var batchSize = 16
    @Option(help: "Data-parallel training worker threads (as whittle train --threads).") var threads = 2
    @Option(name: .customLong("learning-rate"), help: "Adam learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Seed for initialisation, data order and every round.") var seed: UInt64 = 0
    @Option(help: "Knowledge distillation: every ticket trains against this share of the trained dense model's outputs plus the rest of the labels (e.g. 0.5; 0 = labels only).") var distill = 0.0
    @Option(help: "With --distill: teacher model files (comma-separated, averaged; e.g. the dense recipe under several seeds) teach every ticket and the dense model instead of the trained dense model.") var teacher: String?
    @Option(name: .customLong("min-units"), help: "Units every layer keeps at least.") var minUnits = 2
    @Option(help: "Block-time budget for selection: e.g. 0.5ms, 300us or 10% (of the block period).") var budget: String?
    @Option(help: "Host block size in frames for timing.") var block = 128
    @Option(help: "Host sample rate in Hz for timing.") var rate = 48000
    @Option(help: "Device profile (whittle profile) to predict block times on the target.") var profile: String?
    @Option(name: .customLong("max-weights"), help: "With --budget: select only among tickets keeping at most this share of the dense model's weights (e.g. 10%).") var maxWeights: String?
    @Flag(name: .customLong("allow-over-budget"), help: "With --budget and --max-weights: when no ticket fits (a front end alone over the budget), select the most accurate ticket within --max-weights anyway, marked \"fits\": false, instead of failing.") var allowOverBudget = false
    @Flag(help: "Time tickets as the engine runs them with --split-frames (network one block after the front end).") var splitFrames = false
    @Option(name: .customLong("measure-seconds"), help: "Seconds of audio to time each ticket here through the engine (0: do not measure).") var measureSeconds = 2.0
    @Option(name: .customLong("timing-passes"), help: "Final interleaved timing passes over all tickets (median kept).") var timingPasses = 3
    @Option(help: "Title of the plot.") var title: String?
    @Flag(help: "Continue the run checkpointed in --out.") var resume = false
    @OptionGroup(title: "Detector tasks (onset, drums, pitch)") var detector: DetectorTrainOptions

    func validate() throws {
        guard (graph == nil) != (model == nil) else { throw ValidationError("give exactly one of --graph and --model") }
        guard rounds >= 1, rounds <= 100 else { throw ValidationError("--rounds must be in 1...100") }
        guard fraction > 0, fraction < 1 else { throw ValidationError("--fraction must be between 0 and 1 (exclusive)") }
        if let f = finalFraction, !(f > 0 && f < 1) { throw ValidationError("--final-fraction must be between 0 and 1 (exclusive) (got \(f))") }
        if reinitHead && reset != .rewind { throw ValidationError("--reinit-head needs --reset rewind (with reinit every layer starts fresh already)") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard rewindEpoch >= 0, rewindEpoch <= epochs else { throw ValidationError("--rewind-epoch must be in 0...--epochs") }
        guard distill >= 0, distill <= 1 else { throw ValidationError("--distill must be in 0...1 (got \(distill))") }
        if teacher != nil && distill == 0 { throw ValidationError("--teacher needs --distill W (the teachers' share of each target, e.g. 0.5)") }
        guard minUnits >= 1 else { throw ValidationError("--min-units must be at least 1") }
        guard block >= 1, block <= 8192, (8000...192_000).contains(rate) else { throw ValidationError("--block must be in 1...8192 and --rate in 8000...192000") }
        guard measureSeconds >= 0, measureSeconds <= 60 else { throw ValidationError("--measure-seconds must be in 0...60") }
    }

    func run() throws {
        do { try trim() } catch let e as ExitCode { throw e } catch let e as TrimError {
            throw usageError(e.message)
        } catch let e as ProfileError {
            if case .badInput(let m) = e { throw usageError(m) }
            throw Failure.exit("\(e)", code: 1)
        } catch let e as ModelLoadError {
            throw usageError(e.message)
        } catch {
            throw Failure.exit("\(error)", code: 1)
        }
    }

    func trim() throws {
        // Everything that can be wrong with the input is checked before anything is written.
        let detectorSetup = try detector.trimSetup(task, start: try startFile(), epochs: epochs, batchSize: batchSize,
                                                   learningRate: learningRate, seed: seed, threads: threads)
        guard detectorSetup != nil || TrimTasks.names.contains(task) else {
            throw TrimError("unknown task '\(task)' (known: \(TrimTasks.names.joined(separator: ", ")))")
        }
        let (start, trainer): (ModelFile, any TicketTrainer)
        if let detectorSetup { (start, trainer) = detectorSetup } else {
            (start, trainer) = try TrimTasks.setup(task: task, start: try startFile(), epochs: epochs, batchSize: batchSize,
                                                   learningRate: learningRate, seed: seed, threads: threads)
        }
        let teachers = DetectorTrainOptions.list(teacher)
        for t in teachers {
            do { _ = try TeacherCheck.read(t, for: (trainer as? DetectorTicketTrainer)?.task, student: start.graph) } catch let e as TrainError {
                throw TrimError(e.message)
            }
        }
        let budgetMicros = try budget.map { try BlockBudget.parse($0).microseconds(block: block, rate: rate) }
        let deviceProfile = try profile.map { try DeviceProfile.load(path: $0) }
        if try maxWeightsKept() != nil && budgetMicros == nil { throw TrimError("--max-weights selects under a --budget: give one") }
        if budgetMicros != nil && deviceProfile == nil && measureSeconds == 0 {
            throw TrimError("--budget needs --profile or a measurement here (--measure-seconds > 0)")
        }
        let capped = try maxWeightsKept() != nil
        if allowOverBudget && (budgetMicros == nil || !capped) {
            throw TrimError("--allow-over-budget selects under --budget and --max-weights: give both")
        }
        if let budgetMicros, let deviceProfile { try checkReachable(budgetMicros, start, deviceProfile) }
        let checkpoint = TrimCheckpoint(directory: out)
        if !resume, let contents = try? FileManager.default.contentsOfDirectory(atPath: out), !contents.isEmpty {
            throw TrimError(checkpoint.exists()
                ? "\(out) already holds a trimming run: pass --resume to continue it, or choose another --out"
                : "\(out) is not empty: choose a new --out (nothing is overwritten)")
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)

        var config = TrimConfig()
        config.rounds = rounds; config.fraction = fraction; config.finalFraction = finalFraction; config.reinitHead = reinitHead ? true : nil; config.criterion = criterion; config.miReference = miReference
        config.selection = selection; config.reset = reset; config.mode = mode; config.rewindEpoch = rewindEpoch
        config.seed = seed; config.minUnits = minUnits; config.distill = distill > 0 ? distill : nil
        config.teachers = teachers.isEmpty ? nil : teachers
        config.teacherDigests = teachers.isEmpty ? nil : try teachers.map { try TeacherFiles.digest(path: $0) }
        config.training = ["task": task, "epochs": "\(epochs)", "batch_size": "\(batchSize)", "learning_rate": "\(learningRate)"]
            .merging(detector.recipe(task: task)) { a, _ in a }
        let timer = ProfileTimer(block: block, rate: rate, seconds: measureSeconds, profile: deviceProfile, splitFrames: splitFrames)
        var trimmer = LotteryTrimmer(config: config, trainer: trainer, timer: timer, directory: out)
        trimmer.timingPasses = measureSeconds > 0 ? timingPasses : 0
        let bar = TrimProgressBar()
        let state = try trimmer.run(start: start, resume: resume, progress: { p in bar.update(p.overall, "\(p.label) (\(p.step + 1)/\(p.steps))") })
        bar.finish()

        // Predictions are cheap: recompute them all, so a finished run can be re-targeted with --resume --profile.
        var rows = state.rows
        if let deviceProfile {
            for i in rows.indices {
                let ticket = try ModelFile.read(path: out + "/" + rows[i].file)
                rows[i].predictedP999 = try deviceProfile.predict(ProfileTimer.timingView(ticket, block: block, rate: rate), block: block, rate: rate, splitFrames: splitFrames).p999
            }
        }
        try TrimCheckpoint.atomicWrite(Data(TrimReport.csv(rows).utf8), to: out + "/trim-report.csv")
        let plotTitle = title ?? "\(task): \(criterion.rawValue), \(selection.rawValue), \(reset.rawValue)"
        try TrimCheckpoint.atomicWrite(Data(TrimPlot.svg(rows, title: plotTitle, metricName: trainer.metricName).utf8), to: out + "/trim-report.svg")
        print(TrimReport.table(rows, metricName: trainer.metricName), terminator: "")
        if let exhausted = state.structuredExhaustedAt {
            print("structured trimming stopped at round \(exhausted): every layer is at --min-units \(minUnits)")
        }
        print("reports: \(out)/trim-report.csv, \(out)/trim-report.svg")
        if let budgetMicros { try select(rows, budgetMicros) }
    }

    func startFile() throws -> TrimStart {
        if let graph {
            guard let text = try? String(contentsOfFile: graph, encoding: .utf8) else { throw TrimError("\(graph): cannot read the graph file") }
            return .graph(try ModelGraph.parse(json: text))
        }
        return .model(try ModelFile.read(path: model!))
    }

    /// --max-weights as a fraction of the dense model's weights ("10%" or "0.1").
    func maxWeightsKept() throws -> Double? {
        guard let text = maxWeights?.trimmingCharacters(in: .whitespaces) else { return nil }
        let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let value, value > 0, value <= 1 else {
            throw TrimError("--max-weights '\(text)': give a share of the dense model's weights such as 10% or 0.1")
        }
        return value
    }

    /// Fails early when even the narrowest model trimming could reach misses the budget on the profile.
    func checkReachable(_ budgetMicros: Double, _ start: ModelFile, _ profile: DeviceProfile) throws {
        let narrowest = try UnitGraph.narrowest(start, minUnits: minUnits)
        let time = try profile.predict(ProfileTimer.timingView(narrowest, block: block, rate: rate), block: block, rate: rate, splitFrames: splitFrames).p999
        if time > budgetMicros {
            if allowOverBudget {
                print("warning: no ticket can meet the budget of \(f1(budgetMicros)) µs (the smallest achievable is about \(f1(time)) µs); "
                      + "--allow-over-budget selects the most accurate ticket within --max-weights anyway")
                return
            }
            throw TrimError("no ticket can meet the budget of \(f1(budgetMicros)) µs: the smallest achievable is about \(f1(time)) µs "
                            + "predicted p99.9 (every layer at \(minUnits) units; block \(block) at \(rate) Hz)")
        }
    }

    func select(_ rows: [TrimRow], _ budgetMicros: Double) throws {
        let cap = try maxWeightsKept()
        let choice = try BudgetSelection.choose(rows, budget: budgetMicros, maxWeightsKept: cap, overBudget: allowOverBudget)
        var chosen = try ModelFile.read(path: out + "/" + choice.row.file)
        let capField = cap.map { ",\"max_weights_kept\":\($0)" } ?? ""
        chosen.metadata["budget"] = "{\"p999_us\":\(f1(choice.time)),\"budget_us\":\(f1(choice.budget)),\"block\":\(block),\"rate\":\(rate),\"split_frames\":\(splitFrames),\"fits\":\(choice.fits)\(capField),\"from\":\"\(choice.row.file)\"}"
        try TrimCheckpoint.write(chosen, to: out + "/selected.safetensors")
        let dense = rows.first { $0.round == 0 }
        let source = choice.usesPrediction ? "predicted on \(profile ?? "the profile")" : "measured here"
        let margin = choice.fits ? "\(f1(choice.headroom)) µs (\(f1(100 * choice.headroom / choice.budget)) %) to spare"
            : "OVER the budget by \(f1(-choice.headroom)) µs (--allow-over-budget)"
        print("selected \(out)/selected.safetensors = \(choice.row.file) (\(f1(100 * choice.row.weightsKept)) % of the weights): "
              + "p99.9 \(f1(choice.time)) µs \(source), budget \(f1(choice.budget)) µs, \(margin); metric \(String(format: "%.4f", choice.row.metric))"
              + (dense.map { " (dense \(String(format: "%.4f", $0.metric)))" } ?? ""))
    }
}

private func f1(_ v: Double) -> String { String(format: "%.1f", v) }

extension TrimCriterion: ExpressibleByArgument {}
extension MIReference: ExpressibleByArgument {}
extension SelectionScope: ExpressibleByArgument {}
extension ResetKind: ExpressibleByArgument {}
extension TrimMode: ExpressibleByArgument {}
