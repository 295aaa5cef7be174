"""End to end: groups and blocked readers — who may subscribe a group, and leaving at once."""

from harness import USER, RunningBot
from pressbot.bot.handlers.forum import NOT_A_FORUM
from pressbot.core.models import ItemKind
from pressbot.texts.chat import GROUP_ADMINS_ONLY
from pressbot.texts.chat_settings import GROUP_SETTINGS_ADMINS_ONLY

GROUP = -1001234567890
GROUP_ADMIN = 3003


def in_group(bot: RunningBot) -> None:
    bot.fake.add_chat(GROUP, "supergroup", title="Press club")
    bot.fake.set_member_status(GROUP, GROUP_ADMIN, "administrator")


async def say_in_group(bot: RunningBot, text: str, user_id: int) -> str:
    [reply] = await bot.say(text, chat_id=GROUP, chat_type="supergroup", user_id=user_id)
    return reply.text or ""


async def test_only_group_admins_change_a_groups_subscription(bot: RunningBot) -> None:
    in_group(bot)
    for command in ("/subscribe", "/unsubscribe", "/stop"):
        assert await say_in_group(bot, command, USER) == GROUP_ADMINS_ONLY
    welcome = await say_in_group(bot, "/start", USER)
    assert "A group admin can send /subscribe" in welcome
    assert not await bot.database.subscribers.is_active(GROUP)

    assert (await say_in_group(bot, "/subscribe", GROUP_ADMIN)).startswith("Subscribed")
    assert await bot.database.subscribers.is_active(GROUP)
    assert await say_in_group(bot, "/stop", USER) == GROUP_ADMINS_ONLY
    assert await bot.database.subscribers.is_active(GROUP)
    assert (await say_in_group(bot, "/stop", GROUP_ADMIN)).startswith("Unsubscribed")
    assert not await bot.database.subscribers.is_active(GROUP)
    # The group's creator counts as an admin too; reading is for everyone.
    bot.fake.set_member_status(GROUP, 4004, "creator")
    assert (await say_in_group(bot, "/start", 4004)).startswith("Welcome")
    assert await bot.database.subscribers.is_active(GROUP)
    assert (await say_in_group(bot, "/latest 1", USER)).startswith("Latest (")


async def test_removed_from_a_group_the_subscription_ends_at_once(bot: RunningBot) -> None:
    in_group(bot)
    await say_in_group(bot, "/subscribe", GROUP_ADMIN)
    bot.fake.chat_member_update(GROUP, "left", old_status="member", user_id=GROUP_ADMIN)
    await bot.fake.wait_until(lambda: bot.fake.pending_updates == [])
    await bot.say("/help")  # updates are handled in order: once this is answered, so is that
    assert not await bot.database.subscribers.is_active(GROUP)
    sends = [
        c for c in bot.fake.calls if c.method == "sendMessage" and c.params["chat_id"] == GROUP
    ]
    assert all(call.status == 200 for call in sends)  # learned without a failed send


async def test_added_to_a_group_it_greets_and_waits_for_an_admin(bot: RunningBot) -> None:
    bot.fake.add_chat(GROUP, "supergroup", title="Press club")
    bot.fake.chat_member_update(GROUP, "member", old_status="left", user_id=GROUP_ADMIN)
    [greeting] = await bot.fake.wait_for_messages(GROUP, 1)
    assert "A group admin can send /subscribe" in (greeting.text or "")
    assert not await bot.database.subscribers.is_active(GROUP)


async def test_a_reader_who_blocks_the_bot_is_unsubscribed_at_once(bot: RunningBot) -> None:
    await bot.say("/start", chat_id=2002, user_id=2002)
    bot.fake.chat_member_update(2002, "kicked", old_status="member", user_id=2002)
    await bot.say("/help")
    assert not await bot.database.subscribers.is_active(2002)
    assert await bot.database.subscribers.count_inactive() == 1


async def test_a_forum_group_chooses_the_topic_for_releases(bot: RunningBot) -> None:

    bot.fake.add_chat(GROUP, "supergroup", title="Press club", is_forum=True)
    bot.fake.set_member_status(GROUP, GROUP_ADMIN, "administrator")
    topic = {"chat_id": GROUP, "chat_type": "supergroup", "message_thread_id": 77}
    [subscribed] = await bot.say("/subscribe", user_id=GROUP_ADMIN, **topic)
    assert subscribed.message_thread_id == 77  # replies stay in the topic they answer
    [refused] = await bot.say("/thread", user_id=USER, **topic)
    assert refused.text == GROUP_SETTINGS_ADMINS_ONLY
    [chosen] = await bot.say("/thread", user_id=GROUP_ADMIN, **topic)
    assert chosen.text == "Releases will arrive in this topic."
    await bot.release("Into the topic", ItemKind.EVENT)
    await bot.fake.wait_until(
        lambda: any((m.text or "").startswith("Into the topic") for m in bot.fake.messages(GROUP))
    )
    assert bot.fake.messages(GROUP)[-1].message_thread_id == 77
    [plain] = await bot.say("/thread", chat_id=-100500, chat_type="group", user_id=USER)
    assert plain.text == NOT_A_FORUM
