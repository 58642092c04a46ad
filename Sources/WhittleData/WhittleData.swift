// Data generation: MIDI -> fluidsynth -> audio + exact annotations.
