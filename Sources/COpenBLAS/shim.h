// OpenBLAS is for training only: sgemm takes locks, so it never runs on the audio thread.
#include <cblas.h>
