// WhittleTrain: training for the WhittleNN runtime's layer set (offline world).
//
//   Seq                a batch of sequences [batch][time][frame], frames channels last as in the runtime
//   TrainOp            one graph op: forward over whole sequences, backward by hand (Ops/, one op per file)
//   TrainGraph         a ModelGraph compiled to ops; forward/backward over a Batch
//   Losses/            BCE (widening, positive weight), CREPE pitch BCE, multi-scale spectral, MSE
//   Adam, Schedule     AdamW with a cosine learning-rate schedule
//   Trainer            train()/evaluate(): epochs, early stopping, rewind snapshots, checkpoints, 2 threads
//   SyntheticTask      a small event-detection task for tests and the trimming demo
//
// Sequence semantics equal the runtime's streaming ones (causal convolutions, recurrent steps,
// strided output schedules), so a trained ModelFile runs live frame by frame with the same outputs.
@_exported import WhittleNN
