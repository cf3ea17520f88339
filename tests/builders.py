"""Small builders for test data: only the fields a test cares about need naming."""

import itertools
from datetime import date

from clinic.models import Physiotherapist
from conditions.models import Category, Condition, Section, SectionItem, Stage, StageItem, UrgentAdvice


def make_category(name="Spine", slug=None):
    category, _ = Category.objects.get_or_create(slug=slug or name.lower().replace(" ", "-"), defaults={"name": name})
    return category


def make_condition(title="Test Condition", status=Condition.Status.PUBLISHED, **fields):
    fields.setdefault("slug", title.lower().replace(" ", "-"))
    fields.setdefault("summary", f"A short summary of {title}.")
    fields.setdefault("category", make_category())
    condition = Condition.objects.create(title=title, status=status, **fields)
    # The save's own refresh waits for a commit that a test's transaction never makes.
    condition.refresh_search_index()
    return condition


def add_section(condition, kind=Section.Kind.SYMPTOMS, items=(), heading=None, **fields):
    section = Section.objects.create(
        condition=condition, kind=kind, heading=heading or Section.Kind(kind).label, **fields
    )
    # bulk_create skips the per-item signal; one refresh of the search index covers them all.
    SectionItem.objects.bulk_create(
        SectionItem(section=section, description=text, position=position) for position, text in enumerate(items)
    )
    condition.refresh_search_index()
    return section


def add_stage(section, title, items=(), **fields):
    stage = Stage.objects.create(section=section, title=title, position=section.stages.count(), **fields)
    StageItem.objects.bulk_create(
        StageItem(stage=stage, description=text, position=position) for position, text in enumerate(items)
    )
    section.condition.refresh_search_index()
    return stage


def make_physiotherapist(name="Dr. Asha Verma (PT)", qualification="BPT, MPT (Musculoskeletal)", **fields):
    fields.setdefault("registration_number", "IAP/L-12345")
    return Physiotherapist.objects.create(name=name, qualification=qualification, **fields)


def add_urgent_advice(condition, level, text):
    position = condition.urgent_advice.count()
    return UrgentAdvice.objects.create(condition=condition, level=level, text=text, position=position)


def make_full_condition(title="Large Condition", items_per_list=3, stages=2):
    """A condition with every section kind and every extra (key facts, urgent help, reviewer, related
    conditions, some of them drafts); lists grow with items_per_list, the physiotherapy section has stages."""
    condition = make_condition(
        title,
        key_facts="\n".join(f"Key fact {n}." for n in range(items_per_list)),
        meta_description=f"All about {title}.",
        reviewer=make_physiotherapist(name=f"Reviewer of {title}"),
        last_reviewed=date(2026, 3, 15),
        review_note="Checked the exercises.",
    )
    for n in range(items_per_list):
        level = UrgentAdvice.Level.values[n % 3]
        add_urgent_advice(condition, level, f"Urgent advice {n}.")
        status = Condition.Status.DRAFT if n % 2 else Condition.Status.PUBLISHED
        condition.related.add(make_condition(f"{title} related {n}", status=status))
    for position, kind in enumerate(Section.Kind.values):
        items = [f"{kind} item {n}" for n in range(items_per_list)]
        section = add_section(condition, kind=kind, items=items, position=position, lead=f"{kind} lead.")
        if kind == Section.Kind.PHYSIOTHERAPY:
            for n in range(stages):
                add_stage(section, f"Stage {n}", items=[f"stage {n} item {i}" for i in range(items_per_list)])
    return condition


PHONES = itertools.count()


def make_booking_request(**fields):
    """A patient's request as the booking form saves it (outbox rows included); only the fields a test names."""
    from appointments.models import BookingRequest
    from appointments.services import booking_request_create

    # A phone of its own each time, so that a test's many requests never meet the per-phone rate limit.
    fields = {
        "full_name": "Priya Sharma", "booking_for": "myself", "phone": f"+9198765{next(PHONES):05d}",
        "visit_type": "new", "preferred_date": date(2026, 12, 3), "preferred_time": "morning",
    } | fields  # fmt: skip
    return booking_request_create(booking=BookingRequest(**fields), client_ip="", consent_version="test")[0]


def staff_member(django_user_model, group_name):
    """A browser logged in as a staff user in one group (as the clinic's staff are)."""
    from django.contrib.auth.models import Group

    from tests.client import Client

    user = django_user_model.objects.create_user(group_name.lower().replace(" ", "-"), is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    browser = Client()
    browser.force_login(user)
    return browser
