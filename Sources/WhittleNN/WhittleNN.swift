// WhittleNN: the real-time inference runtime every detector and synthesizer runs on.
//
// Two worlds, kept in separate files:
//   • Offline (Foundation allowed): SafeTensors.swift, GraphSpec.swift, ModelLoader.swift,
//     ModelBuilderOps.swift parse and validate a model file and build a Model.
//   • Real time (no Foundation, no existentials, no allocation): Arena, FastMath, PackedMatrix,
//     Activation, one file per layer, Layer/LayerSlot and Model.process(). These files also
//     compile as Embedded Swift (aarch64-none-none-elf, armv7em-none-none-eabi).
//
// Using a model from a processor:
//
//   let model = try Model.load(path: "Models/onset.safetensors")   // offline: allocates everything
//   let mel = model.input("mel")!.buffer                          // raw pointers, fetched once
//   let onset = model.output("onset")!
//   model.process()                                                // warm up off the audio thread
//   model.reset()
//   // audio thread, once per frame (hop):
//   //   write mel[0..<count], then
//   model.process()                                                // @_noLocks @_noAllocation
//   if model.produced(onset) { use(onset.buffer[0]) }              // strided graphs skip frames
//
// Model files are safetensors: tensors plus `__metadata__` strings:
//   graph       JSON (see GraphSpec.swift): inputs with per-frame shapes, outputs, nodes in order
//   task, sample_rate, hop, features (JSON object), labels (JSON array), provenance (JSON object)
// Ops and tensor names (PyTorch layouts, `<node>.` prefix; bias tensors optional):
//   dense              weight [out, in], bias [out]                       attrs: units, activation
//   conv1d             weight [out, in, k], bias                           channels, kernel, dilation, stride, activation
//   conv2d             weight [out, in, kt, kf], bias                      channels, kernel [t, f], dilation, stride, padding (frequency)
//   conv_transpose1d   weight [in, out, k], bias                           channels, kernel, stride (emits [stride, out] per frame)
//   gru / lstm         weight_ih [G·H, in], weight_hh [G·H, H], bias_ih, bias_hh (torch.nn.GRU/LSTM, gates r,z,n / i,f,g,o)
//   batchnorm          weight, bias, running_mean, running_var             eps (folded into the layer before when possible)
//   layernorm          weight, bias                                        eps
//   maxpool_freq / avgpool_freq                                            kernel, stride
//   add, concat (last axis), flatten
//   relu, elu, tanh, sigmoid, softplus, softmax, scaled_sigmoid, exp_sigmoid (also as `activation` attributes)
// Frames are channels last: [channels] or [frequency, channels]. A torch model that flattens
// (channel, frequency) before a dense layer needs that layer's columns permuted to (frequency, channel).
