"""The reference models every installation starts with (CORnet-Z/RT/S, CIFAR ResNets, baselines)."""
