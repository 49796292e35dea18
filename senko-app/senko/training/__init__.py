"""Training, evaluation and the model registry's operations (train, import, activate, roll back)."""
