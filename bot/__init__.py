"""The assistant: knowledge base, answer engine, Telegram bot and staff tools."""
