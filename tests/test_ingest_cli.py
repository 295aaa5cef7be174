"""`pressbot import-url URL` as an operator runs it: a real process against a local website."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

from fakes.website import FIXTURES, FakeWebsite


async def import_url(tmp_path: Path, url: str, *options: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSBOT_")}
    env["PRESSBOT_DB_PATH"] = str(tmp_path / "cli.sqlite3")
    env["PRESSBOT_FEED_TIMEOUT"] = "2"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "pressbot", "import-url", url, *options,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_import_url_prints_what_it_added_and_adds_nothing_twice(
    tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("feed.xml", "rss.xml")
    code, out, err = await import_url(tmp_path, url)
    assert code == 0, err
    assert out.splitlines() == [
        "added /read_1: 15.10.2018 Statement on the Salisbury anniversary",
        "added /read_2: 16.10.2018 Embassy comment on the visa queue",
        f"{url}: 2 of 2 entries added, 0 already there",
    ]
    assert "storing [##############################] 100% (2 of 2 entries)" in err
    website.serve("feed.xml", "rss_reordered.xml")
    code, out, _ = await import_url(tmp_path, url)
    assert code == 0 and out.splitlines() == [f"{url}: 0 of 2 entries added, 2 already there"]
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM items").fetchone() == (2,)
        assert db.execute("SELECT kind FROM sources").fetchall() == [("feed",)]


async def test_import_url_reads_a_page_too(tmp_path: Path, website: FakeWebsite) -> None:
    url = website.serve("en/", "press_page.html")
    code, out, err = await import_url(tmp_path, url)
    assert code == 0, err
    assert out.splitlines()[-1] == f"{url}: 11 of 11 entries added, 0 already there"
    assert out.splitlines()[0].startswith("added /read_1: 08.08.2017 Foreign Minister Sergey")


async def test_import_url_of_a_failing_source_says_why(
    tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("feed.xml", "malformed.xml")
    code, out, err = await import_url(tmp_path, url)
    assert code == 1 and out == ""
    assert err.strip().splitlines()[-1] == (
        f"pressbot: {url}: malformed feed: mismatched tag (line 8)"
    )
    assert "Traceback" not in err
    website.fail("feed.xml", "error")
    code, _, err = await import_url(tmp_path, url)
    assert code == 1 and err.strip().endswith("HTTP 500 Internal Server Error")


async def test_a_feed_served_as_xml_without_a_declaration_is_imported_as_a_feed(
    tmp_path: Path, website: FakeWebsite
) -> None:
    rss = (FIXTURES / "rss.xml").read_bytes()
    body = rss.replace(b'<?xml version="1.0" encoding="utf-8"?>', b"<!-- made by the CMS -->")
    assert body != rss
    for content_type in ("application/xml", "text/xml"):
        url = website.serve(f"{content_type}.xml", body, content_type=content_type)
        code, out, err = await import_url(tmp_path, url)
        assert code == 0, err
        assert out.splitlines()[-1].startswith(f"{url}: "), out
        assert out.splitlines()[-1].endswith(" of 2 entries added, 0 already there"), out
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        assert db.execute("SELECT DISTINCT kind FROM sources").fetchall() == [("feed",)]


async def test_import_url_of_a_russian_source_stores_russian_items(
    tmp_path: Path, website: FakeWebsite
) -> None:
    url = website.serve("ru.xml", "rss.xml")
    code, out, err = await import_url(tmp_path, url, "--language", "ru")
    assert code == 0, err
    assert out.splitlines()[-1] == f"{url}: 2 of 2 entries added, 0 already there"
    with sqlite3.connect(tmp_path / "cli.sqlite3") as db:
        assert db.execute("SELECT DISTINCT language FROM items").fetchall() == [("ru",)]
        assert db.execute("SELECT language FROM sources").fetchall() == [("ru",)]
    code, _, err = await import_url(tmp_path, url, "--language", "de")
    assert code == 2 and "invalid choice: 'de'" in err
