"""smtui: a keyboard-driven terminal UI for Amazon SageMaker."""

__version__ = "0.1.0"
