"""The question log: SQLAlchemy models, repository functions, Alembic migrations, spool.

The bot and the command line use `db.log.open_question_log(settings)` and the `QuestionLog` it
returns; nothing else here is needed from outside.
"""
