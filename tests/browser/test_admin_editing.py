"""Staff edit a condition in the admin (django-nested-admin's change form) and patients see the change."""

from playwright.sync_api import expect

NEW_SUMMARY = "Tight, painful buttock muscles that physiotherapy can loosen: edited in the admin."


def test_staff_edit_a_condition_summary_in_the_admin_and_the_public_page_shows_it(page, site, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")

    page.goto(site + "/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.locator("#conditions-condition").get_by_role("link", name="Conditions").click()
    page.get_by_role("link", name="Glutes Spasm").click()
    page.get_by_label("Summary").fill(NEW_SUMMARY)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(site + "/conditions/glutes-spasm/")
    expect(page.locator(".lead")).to_have_text(NEW_SUMMARY)
