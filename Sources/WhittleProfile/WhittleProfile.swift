// Latency profiling and device profiles (offline world). See issue 3.
