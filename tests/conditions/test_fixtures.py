import json

from django.conf import settings
from django.core.management import call_command

from clinic.models import ClinicDetails, OpeningHours
from conditions.fixture import build_rows
from conditions.models import Condition, Section, SectionItem, Stage, StageItem

COUNTED = (Condition, Section, SectionItem, Stage, StageItem, ClinicDetails, OpeningHours)


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_loading_the_fixtures_twice_creates_no_duplicates(db):
    call_command("loaddata", "clinic", "conditions", verbosity=0)
    first = counts()
    call_command("loaddata", "clinic", "conditions", verbosity=0)
    assert counts() == first
    assert first["Condition"] >= 1


def test_initial_data_never_overwrites_what_staff_edited(db):
    call_command("load_initial_data", verbosity=0)
    Condition.objects.filter(slug="glutes-spasm").update(title="Edited by staff")
    call_command("load_initial_data", verbosity=0)
    assert Condition.objects.get(slug="glutes-spasm").title == "Edited by staff"


def test_initial_data_dry_run_loads_nothing(db):
    call_command("load_initial_data", "--dry-run", verbosity=0)
    assert Condition.objects.count() == 0


def test_the_committed_fixture_is_what_the_source_articles_build():
    committed = json.loads((settings.BASE_DIR / "fixtures" / "conditions.json").read_text(encoding="utf-8"))
    assert committed == build_rows(settings.BASE_DIR / "fixtures" / "source"), "run `make fixtures`"


def test_the_glutes_spasm_page_is_published_with_every_section_kind(seeded):
    condition = Condition.objects.get(slug="glutes-spasm")
    assert condition.is_published
    assert list(condition.sections.values_list("kind", flat=True)) == Section.Kind.values


def test_the_clinic_details_are_placeholders_until_staff_replace_them(seeded):
    clinic = ClinicDetails.load()
    assert clinic.has_placeholders
    assert clinic.locality == "Noida"
    assert OpeningHours.objects.filter(weekday=6).count() == 0  # Sunday closed
