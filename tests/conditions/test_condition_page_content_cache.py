"""The condition page's rendered article is cached under the content version: never stale, never a draft."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conditions.models import Condition, SectionItem
from tests.builders import make_full_condition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """The whole-page cache would answer before the view runs; these tests are about the article cache."""
    settings.PAGE_CACHE_SECONDS = 0


def get_page(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.text, len(queries)


def test_a_cached_article_is_served_without_loading_the_content_again(client, seeded):
    condition = make_full_condition("Cached Condition")
    first, cold_queries = get_page(client, condition.get_absolute_url())
    again, warm_queries = get_page(client, condition.get_absolute_url())
    assert again == first
    assert warm_queries == 1  # the condition's own row; article, JSON-LD and clinic details from the cache
    assert cold_queries > warm_queries


def test_editing_a_section_item_shows_on_the_page_at_once_even_with_the_article_cached(client, seeded):
    condition = make_full_condition("Edited Condition")
    get_page(client, condition.get_absolute_url())
    item = SectionItem.objects.filter(section__condition=condition, description="symptoms item 0").get()
    item.description = "A freshly written symptom"
    item.save()
    text, _ = get_page(client, condition.get_absolute_url())
    assert "A freshly written symptom" in text
    assert "symptoms item 0" not in text


def test_a_draft_preview_is_neither_served_from_nor_stored_in_the_article_cache(client, staff_client, seeded):
    draft = make_full_condition("Previewed Draft")
    Condition.objects.filter(pk=draft.pk).update(status=Condition.Status.DRAFT)
    first, _ = get_page(staff_client, draft.get_absolute_url())
    assert "symptoms item 0" in first

    # update() sends no signal, so nothing retires what a cache might hold: only fresh rendering shows these.
    SectionItem.objects.filter(section__condition=draft, description="symptoms item 0").update(description="Redrafted")
    second, _ = get_page(staff_client, draft.get_absolute_url())
    assert "Redrafted" in second

    Condition.objects.filter(pk=draft.pk).update(status=Condition.Status.PUBLISHED)
    published, _ = get_page(client, draft.get_absolute_url())
    assert "Redrafted" in published
    assert "Draft preview" not in published
