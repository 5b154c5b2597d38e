"""Test helpers: fresh migrated databases on the real server, Kafka readers, polling with deadlines."""
