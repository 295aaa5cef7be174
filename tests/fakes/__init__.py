"""A fake Telegram Bot API server that the end-to-end tests and benchmarks run the bot against.

async with FakeBotApi(token="123456:TEST-fake-token-abc") as fake:
    bot = telegram.Bot(token, base_url=fake.base_url)
    ...
    assert fake.violations == []
"""

from .bot_api import DEFAULT_TOKEN, FakeBotApi
from .files import StoredFile
from .html_entities import FormattedText
from .models import ApiCall, ApiError, ChatInfo, SentMessage, UploadedFile

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "ApiError",
    "ChatInfo",
    "FakeBotApi",
    "FormattedText",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
]
