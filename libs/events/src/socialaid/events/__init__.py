"""Event backbone: envelope, outbox, relay, inbox and consumer runner."""
