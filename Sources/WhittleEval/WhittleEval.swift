// mir_eval-style metrics.
