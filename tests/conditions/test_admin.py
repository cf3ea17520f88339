from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conditions.models import Condition, SectionItem
from tests.admin_forms import field_named, form_values

SYMPTOM = "Difficulty sitting for prolonged periods."


def test_a_staff_member_edits_a_symptom_in_the_admin_and_the_page_shows_it(seeded, staff_client, client):
    condition = Condition.objects.get(slug="glutes-spasm")
    change_url = f"/admin/conditions/condition/{condition.pk}/change/"
    values = form_values(staff_client.get(change_url).content, "condition_form")
    values[field_named(values, SYMPTOM)] = "Difficulty sitting through a film or a long drive."

    response = staff_client.post(change_url, values)

    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(condition.get_absolute_url()).text
    assert "Difficulty sitting through a film or a long drive." in page
    assert SYMPTOM not in page


def test_the_condition_list_filters_by_status_and_category(seeded, staff_client):
    Condition.objects.filter(slug="sciatica").update(status=Condition.Status.DRAFT)
    drafts = staff_client.get("/admin/conditions/condition/?status__exact=draft").text
    assert "Sciatica" in drafts
    assert "Glutes Spasm" not in drafts
    sports = staff_client.get(f"/admin/conditions/condition/?category__id__exact={sports_category_pk()}").text
    assert "Glutes Spasm" in sports
    assert "Sciatica" not in sports


def sports_category_pk():
    return Condition.objects.get(slug="glutes-spasm").category_id


def test_the_unpublish_action_hides_the_page_and_publish_brings_it_back(seeded, staff_client, client):
    condition = Condition.objects.get(slug="glutes-spasm")
    changelist = "/admin/conditions/condition/"
    staff_client.post(changelist, {"action": "unpublish", "_selected_action": [condition.pk]})
    assert client.get(condition.get_absolute_url()).status_code == 404
    staff_client.post(changelist, {"action": "publish", "_selected_action": [condition.pk]})
    assert client.get(condition.get_absolute_url()).status_code == 200


def test_the_edit_screen_shows_sections_items_and_stages_together(seeded, staff_client):
    condition = Condition.objects.get(slug="glutes-spasm")
    html = staff_client.get(f"/admin/conditions/condition/{condition.pk}/change/").text
    assert "Types of Glutes Spasm" in html
    assert "Clamshells for gluteus medius activation." in html
    assert "Strengthening and Activation" in html
    assert SectionItem.objects.filter(description=SYMPTOM).exists()


def search_index_writes(queries):
    """The queries that store a condition's search text: one per refresh of its index."""
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "conditions_condition" SET "search_document"')]


def test_saving_a_page_with_many_edits_refreshes_its_search_text_once(
    seeded, staff_client, client, django_capture_on_commit_callbacks
):
    condition = Condition.objects.get(slug="glutes-spasm")
    change_url = f"/admin/conditions/condition/{condition.pk}/change/"
    values = form_values(staff_client.get(change_url).content, "condition_form")
    edits = {
        SYMPTOM: "Difficulty sitting through a cinema screening.",
        "Clamshells for gluteus medius activation.": "Clamshells with a resistance band around the knees.",
        "Pigeon pose (modified for comfort).": "Pigeon pose on a yoga bolster.",
    }
    for old, new in edits.items():
        values[field_named(values, old)] = new
    values["summary"] += " Seen daily at our Noida clinic."

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change_url, values)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(search_index_writes(queries)) == 1
    for word in ("cinema", "bolster", "resistance band"):
        page = BeautifulSoup(client.get("/conditions/search/", {"q": word}).content, "html.parser")
        assert [a.get_text() for a in page.select(".search-results h2 a")] == ["Glutes Spasm"], word
