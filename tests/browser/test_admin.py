"""Editors in a real browser: the live preview, the quote picker, and two editors
saving the same sticking point."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from explainer.models import Citation, StickingPoint
from tests.conftest import editors_group

pytestmark = pytest.mark.browser
PASSWORD = "a long editor password"


@pytest.fixture
def editors(site):
    group = editors_group()
    for name in ["editor", "ruth"]:
        user = User.objects.create_user(username=name, password=PASSWORD, is_staff=True)
        user.groups.add(group)
    return site


def logged_in(browser, site, username):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", name="Needs attention")).to_be_visible()
    return page


def test_the_preview_follows_the_editors_typing(editors, browser, csp_violations):
    page = logged_in(browser, editors, "editor")
    point = StickingPoint.objects.get(slug="artificial-intelligence")
    page.goto(f"{editors}/admin/explainer/stickingpoint/{point.pk}/change/")
    preview = page.locator("#id_explanation-preview")
    expect(preview.locator(".marker").first).to_be_visible()
    page.fill("#id_explanation", "A *new* start.[^counteroffer-ai]")
    expect(preview.locator("em")).to_have_text("new")
    expect(preview).to_contain_text("no compensation drop for AI-driven rewrites")
    page.fill("#id_explanation", "Words <iframe> that would hide the rest.")
    expect(preview).to_contain_text("Raw HTML is not allowed")


def test_the_quote_picker_fills_the_passage_exactly(editors, browser):
    page = logged_in(browser, editors, "editor")
    citation = Citation.objects.get(key="wga-cave")
    page.goto(f"{editors}/admin/explainer/citation/{citation.pk}/change/")
    page.fill("#id_passage", "")
    page.fill("#id_passage-find", "picket lines")
    sentence = page.get_by_role("button", name="Hollywood actors joined the picket lines in July.")
    sentence.click()
    expect(page.locator("#id_passage")).to_have_value(
        "Hollywood actors joined the picket lines in July."
    )


def test_the_second_of_two_editors_is_told_and_keeps_their_typing(editors, browser):
    point = StickingPoint.objects.get(slug="free-work")
    url = f"{editors}/admin/explainer/stickingpoint/{point.pk}/change/"
    first, second = logged_in(browser, editors, "editor"), logged_in(browser, editors, "ruth")
    first.goto(url)
    second.goto(url)

    first.fill("#id_short_answer", "The first editor's answer, one report says.")
    first.locator("input[name=_save]").first.click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    second.fill("#id_short_answer", "The second editor's answer, one report says.")
    second.locator("input[name=_save]").first.click()
    expect(second.locator(".errornote").first).to_be_visible()
    expect(second.locator(".errorlist.nonfield")).to_contain_text(
        "Not saved: editor changed this sticking point"
    )
    expect(second.locator("#id_short_answer")).to_have_value(
        "The second editor's answer, one report says."
    )
    assert StickingPoint.objects.get(pk=point.pk).short_answer.startswith("The first editor")

    second.locator("input[name=_save]").first.click()  # reconciled: save again
    expect(second.locator(".messagelist")).to_contain_text("was changed successfully")
    assert StickingPoint.objects.get(pk=point.pk).short_answer.startswith("The second editor")
