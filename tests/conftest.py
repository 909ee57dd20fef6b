import labkit  # noqa: F401  - first, so TensorFlow gets the legacy-Keras flag
