// Structured lottery-ticket trimming (offline world). See issue 4.
