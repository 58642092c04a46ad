// WhittleTrim: structured lottery-ticket trimming (offline world), issue 4.
//
//   UnitGraph        which channels are one unit (add ties operands; concat shifts; flatten repeats
//                    a channel per frequency row; GRU/LSTM hidden units span all gates), which are
//                    frozen (reach an output, meet a graph input in an add, feed a softmax)
//   remove/silencing physical removal: a smaller ModelFile with updated channels/units/hidden
//   UnitScorer       magnitude (L1 of incoming weights), bn (|γ|), activation (mean |y| on
//                    validation frames, run by the runtime itself), mi (binned mutual information
//                    with Miller–Madow correction, against the target or the layer input's first
//                    principal component; see MutualInformation.swift)
//   UnitSelection    scores ÷ the layer's max; one global percentile (or the same fraction per
//                    layer); every layer keeps --min-units
//   LotteryTrimmer   dense → rounds (rewind or reinit) → re-initialised and masking baselines,
//                    checkpointed after every step in DIR/checkpoint (resume = same result)
//   ModelCosts       params, weights, MACs per frame and per second, bytes
//   TrimReport/Plot  CSV, terminal table, SVG (metric vs weights kept, log x; vs block time)
//   BudgetSelection  most accurate ticket whose p99.9 fits (pure function over report rows)
//   adapters         TrainingAdapter (WhittleTrain), TimingAdapter (WhittleProfile)
