"""The staff web console: inbox, statistics, knowledge base, reload (see README, Staff guide)."""
