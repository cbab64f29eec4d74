"""kytos/event_bridge NApp."""
