"""The web foundation: catalogs, locale choice and formatting, assets served by the app, /docs offline, error pages."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from faircollect.api.app import create_app
from faircollect.web import catalogs, i18n
from faircollect.web.i18n import Formatter


@pytest.fixture
def client(sqlite_url: str) -> TestClient:
    return TestClient(create_app(database_url=sqlite_url))


@pytest.mark.parametrize("domain", list(catalogs.DOMAINS))
def test_every_string_of_the_code_is_translated_into_both_chinese_scripts(domain: str) -> None:
    assert catalogs.missing(domain) == {}


def test_catalogs_compile_and_translate() -> None:
    assert i18n.translations("zh_CN").gettext("Skip to content") == "跳到正文"
    assert i18n.translations("zh_TW").gettext("Skip to content") == "跳到正文"
    assert i18n.translations("zh_TW").gettext("Too many attempts — please wait a little and try again") == (
        "嘗試次數過多，請稍後再試"
    )
    assert i18n.translations("en").gettext("Skip to content") == "Skip to content"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "zh_CN"),
        ("", "zh_CN"),
        ("en-GB,en;q=0.9", "en"),
        ("zh-TW,zh;q=0.9,en;q=0.8", "zh_TW"),
        ("zh-HK", "zh_TW"),
        ("zh-Hant", "zh_TW"),
        ("fr-FR,en;q=0.5,zh-CN;q=0.7", "zh_CN"),
        ("fr-FR,de;q=0.5", "zh_CN"),
        ("en;q=0.2,zh-cn;q=0.9", "zh_CN"),
    ],
)
def test_accept_language_is_negotiated(header: str | None, expected: str) -> None:
    assert i18n.negotiate(header) == expected


@pytest.mark.parametrize("locale", ["zh_CN", "zh_TW", "en"])
def test_money_is_formatted_with_the_yuan_sign_and_grouping(locale: str) -> None:
    fmt = Formatter(locale)
    assert fmt.money(123456, "CNY") == "¥1,234.56"
    assert fmt.money(-5, "CNY") == "-¥0.05"
    assert fmt.money(100000000, "CNY") == "¥1,000,000.00"
    assert fmt.money(1234, "JPY") == "JP¥1,234"


def test_dates_and_rates_follow_the_locale() -> None:
    assert Formatter("zh_CN").date(date(2026, 12, 3)) == "2026年12月3日"
    assert Formatter("en").date(date(2026, 12, 3)) == "Dec 3, 2026"
    assert Formatter("en").percent(Decimal("0.1825")) == "18.25%"


def test_home_page_is_in_the_language_the_browser_asks_for(client: TestClient) -> None:
    zh = client.get("/", headers={"Accept-Language": "zh-TW"})
    assert zh.status_code == 200 and "跳到正文" in zh.text and 'lang="zh-TW"' in zh.text
    en = client.get("/", headers={"Accept-Language": "en"})
    assert "Skip to content" in en.text and 'lang="en"' in en.text
    assert "default-src 'self'" in en.headers["content-security-policy"]


def test_the_language_switch_remembers_the_choice_and_only_redirects_on_this_site(client: TestClient) -> None:
    r = client.get("/lang", params={"to": "en", "next": "/?x=1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/?x=1"
    assert "lang=en" in r.headers["set-cookie"] and "HttpOnly" in r.headers["set-cookie"]
    assert "Skip to content" in client.get("/", headers={"Accept-Language": "zh-CN"}).text
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        r = client.get("/lang", params={"to": "zh_CN", "next": evil}, follow_redirects=False)
        assert r.headers["location"] == "/", evil
    bad = client.get("/lang", params={"to": "xx"})
    assert bad.status_code == 422 and "<html" in bad.text


def test_web_errors_are_pages_and_api_errors_stay_json(client: TestClient) -> None:
    page = client.get("/portal/no-such-page", headers={"Accept-Language": "en"})
    assert (
        page.status_code == 404
        and "Page not found" in page.text
        and page.headers["content-type"].startswith("text/html")
    )
    api = client.get("/v1/no-such-route")
    assert api.status_code == 404 and api.json()["error"] == "NotFound"  # the one error shape (api/errors.py)


def test_docs_load_nothing_from_the_internet(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", docs.text) + re.findall(
        r"url: ?'([^']+)'", docs.text
    )
    assert urls, docs.text
    for url in urls:
        assert url.startswith("/"), f"/docs loads {url} from outside the app"
        assert client.get(url).status_code == 200, url
    assert "cdn" not in docs.text.lower()


def test_vendor_assets_are_served_from_installed_packages(client: TestClient) -> None:
    r = client.get("/static/vendor/plotly.min.js")
    assert r.status_code == 200 and len(r.content) > 1_000_000
    assert client.get("/static/css/base.css").status_code == 200


@pytest.mark.parametrize("start", ["zh_CN"])
def test_home_in_a_real_browser_switches_language_and_is_accessible(web, start: str) -> None:  # type: ignore[no-untyped-def]
    web.goto("/")
    assert web.page.locator("html").get_attribute("lang") == "zh-CN"
    web.check_a11y()
    web.page.get_by_role("link", name="English").click()
    web.page.wait_for_url(re.compile(r"/$"))
    assert web.page.locator("html").get_attribute("lang") == "en"
    assert web.page.get_by_role("link", name="Staff console").is_visible()
    web.shot("home-en")
    web.check_a11y()


def test_a_server_fault_on_a_web_page_does_not_show_its_internals(sqlite_url: str) -> None:
    """A 5xx under a web face (a wrong key file, say) shows a plain page in the reader's language, not the
    exception's English text with key ids and environment variable names."""
    from faircollect.kit.errors import FaircollectError

    class Fault(FaircollectError):
        status = 500

    app = create_app(database_url=sqlite_url)

    def boom() -> None:
        raise Fault(
            "data key of 'bor_1' is wrapped under KEK 04ad, but the configured KEK is be04 (FAIRCOLLECT_KEK)"
        )

    app.add_api_route("/portal/boom", boom, methods=["GET"], include_in_schema=False)
    r = TestClient(app).get("/portal/boom", headers={"Accept-Language": "zh-CN"})
    assert r.status_code == 500 and "<html" in r.text
    assert "KEK" not in r.text and "bor_1" not in r.text
    assert "出现了问题" in r.text
