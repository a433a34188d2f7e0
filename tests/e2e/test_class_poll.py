"""A whole class poll in real browsers against the real server: one instructor at a projector's 1280x720 in
presentation mode and three students on phones (390x844), each in its own browser context (its own
Streamlit session).  The students join by the link the page shows, answer, the instructor reveals, the
projector shows 3 answers and the dot plot, the phones show the answer.  Plus: the room QR codes encode the
links shown beside them (the predict step, never ``present`` or ``step``).

Waits are explicit (an element's text or count, with generous timeouts), never fixed sleeps standing in for
a result: the projector's count refreshes every 2 s and the phones check every 3 s.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import segno

from .conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 - CHROMIUM_ARGS documents the launch
from .test_browser import assert_no_exception, open_app, wait_for_app

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not found: install Debian's chromium"),
]

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
LIVE_TIMEOUT_MS = 45_000  # fragment refreshes (2-3 s) on a busy 2-core machine, with room to spare
GUESSES = ["10", "12,5", "40"]  # the second with a decimal comma, as phones in many countries type it


@pytest.fixture
def contexts(browser):
    """New browser contexts (separate cookies and sessions), closed at the end of the test."""
    made = []

    def make(viewport: dict, **kwargs):
        ctx = browser.new_context(viewport=viewport, **kwargs)
        ctx.set_default_timeout(30_000)
        made.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in made:
        ctx.close()


def metric(page, label: str):
    """The value element of the metric whose label starts with ``label``."""
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def code_box_text(page, contains: str) -> str:
    box = page.get_by_test_id("stMain").get_by_test_id("stCode").filter(has_text=contains).first
    expect(box).to_be_visible()
    return box.inner_text().strip()


def qr_image_bytes(page, server_url: str, caption: str) -> bytes:
    """The PNG behind the image with this caption, fetched as the browser fetched it."""
    image = page.get_by_test_id("stMain").get_by_test_id("stImage").filter(has_text=caption).locator("img").first
    expect(image).to_be_visible()
    src = image.get_attribute("src")
    assert src, "the QR image has no src"
    response = page.request.get(src if src.startswith("http") else server_url + src)
    assert response.ok, response.status
    return response.body()


def assert_png_encodes(png: bytes, link: str) -> None:
    """The PNG is segno's QR code of ``link`` (error correction M, as dashboard.share.qr_png draws it): each
    module's centre pixel matches the matrix re-encoded here.  If zxing-cpp is installed (pip, optional),
    the PNG is also decoded and compared with the link."""
    from PIL import Image

    qr = segno.make_qr(link, error="m", boost_error=False)
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    img = Image.open(io.BytesIO(png)).convert("L")
    modules = n + 4  # the quiet zone of 2 modules each side (qr_png's border)
    size = img.width / modules
    assert abs(img.height / modules - size) < 1e-6, "the QR image is not square"
    for r in range(n):
        for c in range(n):
            x, y = int((c + 2.5) * size), int((r + 2.5) * size)
            dark = img.getpixel((x, y)) < 128
            assert dark == bool(matrix[r][c]), f"module ({r}, {c}) differs from the encoding of {link!r}"
    try:
        import zxingcpp
    except ImportError:
        return
    decoded = [b.text for b in zxingcpp.read_barcodes(img)]
    assert decoded == [link]


def test_the_room_link_qr_code_opens_the_predict_step_without_presentation_mode(contexts, server_url):
    page = contexts(PROJECTOR)
    open_app(page, server_url, "/lecture?present=1&scene=taper&step=1")
    assert_no_exception(page)
    link = code_box_text(page, "/lecture")
    parts = urlsplit(link)
    assert parts.path == "/lecture"
    assert parse_qs(parts.query) == {"scene": ["taper"]}  # no step, no present
    assert_png_encodes(qr_image_bytes(page, server_url, "Scan to follow on your phone"), link)


def test_a_whole_scene_with_three_phones(contexts, server_url):
    projector = contexts(PROJECTOR)
    open_app(projector, server_url, "/lecture?present=1")
    projector.get_by_role("button", name="Start a class poll").click()
    wait_for_app(projector)
    assert_no_exception(projector)
    link = code_box_text(projector, "/join?code=")
    code = parse_qs(urlsplit(link).query)["code"][0]
    expect(projector.get_by_role("heading", name=code)).to_be_visible()  # the code in large type
    assert "present" not in link
    assert "step" not in link
    assert_png_encodes(qr_image_bytes(projector, server_url, "Scan to join the class poll"), link)
    expect(metric(projector, "Answers so far")).to_have_text("0")

    phones = []
    for guess in GUESSES:
        phone = contexts(PHONE, is_mobile=True, has_touch=True)
        open_app(phone, server_url, urlsplit(link).path + "?" + urlsplit(link).query)
        box = phone.get_by_role("textbox", name="Your answer")
        expect(box).to_be_visible()
        box.fill(guess)
        phone.get_by_role("button", name="Send").click()
        wait_for_app(phone)
        expect(phone.get_by_text("Answer sent")).to_be_visible()
        expect(phone.get_by_role("button", name="Change my answer")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "sideways scroll"
        assert_no_exception(phone)
        phones.append(phone)

    expect(metric(projector, "Answers so far")).to_have_text("3", timeout=LIVE_TIMEOUT_MS)
    projector.get_by_role("button", name="Reveal").click()
    wait_for_app(projector)
    assert_no_exception(projector)
    room = projector.locator(".st-key-poll_room_chart .js-plotly-plot")
    expect(room).to_be_visible()
    expect(room.locator(".scatterlayer .trace .points path")).to_have_count(3)
    expect(metric(projector, "Room median")).to_have_text("12.5")
    expect(metric(projector, "Within 20 %")).to_be_visible()
    expect(projector.get_by_text("Takeaway.").first).to_be_visible()

    for phone, guess in zip(phones, GUESSES, strict=True):
        expect(metric(phone, "Model answer")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
        expect(metric(phone, "Your answer")).to_have_text(guess.replace(",", "."))
        expect(phone.get_by_text("Takeaway.")).to_be_visible()
        assert_no_exception(phone)

    projector.get_by_role("button", name="End poll").click()
    wait_for_app(projector)
    expect(projector.get_by_text(f"The class poll {code} has ended")).to_be_visible()
    expect(phones[0].get_by_text("This class poll has ended")).to_be_visible(timeout=LIVE_TIMEOUT_MS)


def test_an_unknown_code_on_a_phone_is_not_found(contexts, server_url):
    phone = contexts(PHONE, is_mobile=True, has_touch=True)
    open_app(phone, server_url, "/join?code=XXXXX")
    assert_no_exception(phone)
    expect(phone.get_by_text("Class session not found or expired.")).to_be_visible()
    expect(phone.get_by_role("textbox", name="Your answer")).to_have_count(0)
