// Inference runtime: see issue 3.
