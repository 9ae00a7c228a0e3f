"""The data layer: AWS calls, the resource registry, logs, CloudTrail. No Textual imports here."""
