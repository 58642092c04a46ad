// Training: backward passes, losses, optimizers, datasets (offline world). See issue 4.
@_exported import WhittleNN
