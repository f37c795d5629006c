"""The creator's day in the dashboard, in a real browser against the real local stack: sign up,
verify the email, create a video with a style, a language and music, watch its progress reach
100 %, play and seek it, favorite it, filter, sign out, sign in; the create flow by keyboard
only. Every page: axe without serious or critical findings, no sideways scroll at 375 px,
screenshots at 375 and 1280 px in artifacts/screenshots/."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from devstack.stack import Stack
from tests.browser.browser import check_page

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
JOB_SECONDS = 180_000  # ms: a job on the instant providers takes seconds; a loaded machine more


def verification_link(stack: Stack, email: str) -> str:
    """The link the Auth emulator 'sent' (decision 0019: how a local creator verifies)."""
    env = stack.env()
    url = (f"http://{env['FIREBASE_AUTH_EMULATOR_HOST']}/emulator/v1/projects/"
           f"{env['GOOGLE_CLOUD_PROJECT']}/oobCodes")  # fmt: skip
    with urllib.request.urlopen(url, timeout=10) as answer:
        codes = json.loads(answer.read())["oobCodes"]
    links = [c["oobLink"] for c in codes if c["email"] == email
             and c["requestType"] == "VERIFY_EMAIL"]  # fmt: skip
    assert links, f"no verification email for {email}"
    return str(links[-1])


def sign_up_and_verify(page: Page, stack: Stack, email: str, password: str) -> None:
    page.goto(f"{stack.edge_url}/sign-up")
    check_page(page, "sign-up")
    page.get_by_role("textbox", name="Your name").fill("Ada Browser")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/create")
    banner = page.get_by_test_id("verify-banner")
    expect(banner).to_be_visible()
    link = page.context.new_page()
    link.goto(verification_link(stack, email))  # the emulator's own action page verifies
    link.close()
    banner.get_by_role("button", name="I have verified").click()
    expect(banner).to_be_hidden()


def create_video(page: Page, theme: str) -> str:
    page.get_by_role("textbox", name="Theme").fill(theme)
    expect(page.get_by_test_id("theme-count")).to_have_text(f"{len(theme)} / 500 characters")
    page.get_by_role("radio", name="Anime").check()
    page.get_by_role("radio", name="French").check()
    page.get_by_role("combobox", name="Music").select_option("calm")
    expect(page.get_by_role("button", name="Play a preview of the music")).to_be_enabled()
    expect(page.get_by_test_id("cost-line")).to_contain_text("Cost:")
    check_page(page, "create")
    page.get_by_role("button", name="Create the video").click()
    page.wait_for_url(re.compile(r"/videos/[^/]+/progress$"))
    return page.url.rsplit("/", 2)[-2]


def test_sign_up_create_watch_favorite_filter_and_sign_out(dashboard: Stack,
                                                           browser: Browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    base = dashboard.edge_url

    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Type a theme")
    expect(page.get_by_test_id("offer-pack_5")).to_be_visible()  # pricing from GET /pricing
    check_page(page, "landing")
    page.goto(base + "/no-such-page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    check_page(page, "not-found")

    email, password = f"ada-{uuid.uuid4().hex[:8]}@example.com", "browser-pass-1"
    sign_up_and_verify(page, dashboard, email, password)
    page.goto(base + "/videos")
    expect(page.get_by_test_id("empty-state")).to_contain_text("No videos yet")
    check_page(page, "my-videos-empty")

    page.goto(base + "/create")
    theme = "An octopus opens a bakery under the sea"
    video_id = create_video(page, theme)
    percent = page.get_by_test_id("percent")
    expect(percent).to_have_text("100 %", timeout=JOB_SECONDS)
    expect(page.get_by_test_id("stage")).to_have_text("Finished")
    expect(page.get_by_test_id("blocks")).to_have_text(re.compile(r"^(\d+) of \1$"))
    page.reload()  # the state survives a reload: the stream starts with where the job stands
    expect(percent).to_have_text("100 %")
    check_page(page, "progress")

    page.get_by_role("link", name="Watch it").click()
    player = page.get_by_test_id("player")
    expect(player).to_be_visible()
    played = player.evaluate("""async (video) => {
        video.muted = true;
        await video.play();
        await new Promise((ok) => video.currentTime > 0.2 ? ok() : video.addEventListener(
            "timeupdate", () => video.currentTime > 0.2 && ok()));
        video.pause();
        const seeked = new Promise((ok) => video.addEventListener("seeked", ok, {once: true}));
        video.currentTime = 3;
        await seeked;
        return {time: video.currentTime, duration: video.duration};
    }""")
    # The instant providers make a shorter final than a real job (a template clip per block).
    assert played["duration"] > 10 and abs(played["time"] - 3) < 0.5, played
    download = page.get_by_role("link", name="Download")
    got = page.request.get(base + str(download.get_attribute("href")))
    assert got.status == 200 and got.headers["content-type"] == "video/mp4"
    page.keyboard.press("Escape")
    expect(player).to_be_hidden()

    card = page.get_by_role("article", name=theme)
    expect(card).to_contain_text("1 view")  # counted when playback started
    card.get_by_role("button", name=f"Add {theme} to favorites").click()
    expect(card.get_by_role("button", name=f"Remove {theme} from favorites")).to_be_visible()
    page.get_by_role("tab", name="Favorites").click()
    expect(page.get_by_role("article", name=theme)).to_be_visible()
    page.get_by_role("combobox", name="Style").select_option("cyberpunk")
    expect(page.get_by_test_id("empty-state")).to_contain_text("No video matches")
    page.get_by_role("combobox", name="Style").select_option("anime")
    expect(page.get_by_role("article", name=theme)).to_be_visible()
    assert "style=anime" in page.url and "tab=favorites" in page.url
    check_page(page, "my-videos")

    detail = page.request.get(f"{base}/api/videos/{video_id}").json()
    assert (detail["style"], detail["language"], detail["music"]) == ("anime", "fr", "calm")
    assert detail["favorite"] is True and detail["views"] == 1

    keyboard_only_create(page, base)

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.wait_for_url(base + "/")
    page.goto(base + "/videos")
    page.wait_for_url(re.compile(r"/sign-in\?next="))
    check_page(page, "sign-in")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").last.click()
    page.wait_for_url(base + "/videos")
    expect(page.get_by_role("article", name=theme)).to_be_visible()
    assert errors == []
    context.close()


def tab_to(page: Page, test: str, limit: int = 60) -> None:
    """Press Tab until the focused element passes `test` (a JS predicate on the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {test}; }})()"):
            return
    raise AssertionError(f"Tab never reached {test}")


def keyboard_only_create(page: Page, base: str) -> None:
    """The create flow without the mouse: Tab between controls, arrows in radio groups."""
    page.goto(base + "/create")
    page.locator("body").focus()
    tab_to(page, "el.tagName === 'TEXTAREA'")
    page.keyboard.type("A lighthouse keeper who paints the storms")
    tab_to(page, "el.type === 'radio' && el.name === 'style'")
    page.keyboard.press("ArrowRight")  # cinematic -> anime
    tab_to(page, "el.type === 'radio' && el.value === 'en'")
    page.keyboard.press("ArrowRight")  # en -> fr
    tab_to(page, "el.type === 'radio' && el.value === '64'")
    page.keyboard.press("ArrowRight")  # 64 -> 71 s
    expect(page.get_by_test_id("cost-line")).to_be_visible()
    tab_to(page, "el.tagName === 'BUTTON' && el.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/videos/[^/]+/progress$"))
    video_id = page.url.rsplit("/", 2)[-2]
    made = page.request.get(f"{base}/api/videos/{video_id}").json()
    assert (made["theme"], made["style"], made["language"], made["target_seconds"]) == (
        "A lighthouse keeper who paints the storms", "anime", "fr", 71)
